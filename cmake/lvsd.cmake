# Shared compile settings and helpers for lvsd targets.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

set(LVSD_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Woverloaded-virtual -Wnull-dereference -Wformat=2 -Wimplicit-fallthrough)
if(LVSD_WERROR)
  list(APPEND LVSD_WARNINGS -Werror)
endif()
# Pure cores additionally build with -Wconversion (house style).
set(LVSD_CORE_WARNINGS -Wconversion -Wsign-conversion)

if(LVSD_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
if(LVSD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "LVSD_FUZZ needs clang")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# lvsd_core_library(name SOURCES...) : a pure core (no Asio/libnl/OpenSSL/libsystemd).
function(lvsd_core_library name)
  add_library(${name} STATIC ${ARGN})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(${name} PRIVATE ${LVSD_WARNINGS} ${LVSD_CORE_WARNINGS})
  set_target_properties(${name} PROPERTIES LVSD_PURE_CORE ON)
endfunction()

# lvsd_io_library(name SOURCES...) : an I/O adapter.
function(lvsd_io_library name)
  add_library(${name} STATIC ${ARGN})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(${name} PRIVATE ${LVSD_WARNINGS})
endfunction()

# lvsd_unit_test(name SOURCES... LIBS ...) : a GoogleTest binary registered with ctest, label "unit".
function(lvsd_unit_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_compile_options(${name} PRIVATE ${LVSD_WARNINGS})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  gtest_discover_tests(${name} PROPERTIES LABELS unit DISCOVERY_TIMEOUT 60)
  set_property(GLOBAL APPEND PROPERTY LVSD_CHECK_TARGETS ${name})
endfunction()

# lvsd_fuzz_target(name SOURCE src CORPUS dir LIBS ...) :
# with LVSD_FUZZ a libFuzzer binary; always a corpus-replay test (label "fuzz") built with
# a small main() so gcc builds replay the corpus too.
function(lvsd_fuzz_target name)
  cmake_parse_arguments(F "" "SOURCE;CORPUS" "LIBS" ${ARGN})
  if(LVSD_FUZZ)
    add_executable(${name} ${F_SOURCE})
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  else()
    add_executable(${name} ${F_SOURCE} ${PROJECT_SOURCE_DIR}/tests/fuzz/replay_main.cc)
  endif()
  target_compile_options(${name} PRIVATE ${LVSD_WARNINGS})
  target_link_libraries(${name} PRIVATE ${F_LIBS})
  add_test(NAME fuzz_replay_${name} COMMAND ${name} -runs=0 ${F_CORPUS})
  set_tests_properties(fuzz_replay_${name} PROPERTIES LABELS fuzz)
  set_property(GLOBAL APPEND PROPERTY LVSD_CHECK_TARGETS ${name})
endfunction()

# lvsd_kernel_test(NAME SCRIPT script [ARGS a...] [FILES f[:dest]...] [TIMEOUT sec])
# Registers ctest "kernel_<NAME>" (label "kernel"): tests/kernel/run-in-guest.sh -f each FILE,
# SCRIPT ARGS, after the kernel_setup fixture (tests/kernel/harness). FILES may use generator
# expressions ($<TARGET_FILE:tgt>). TIMEOUT is the guest's wall clock (default 300). Usable from
# any test directory: the guest cache is LVSD_GUEST_DIR as tests/kernel/harness defines it.
function(lvsd_kernel_test name)
  cmake_parse_arguments(K "" "SCRIPT;TIMEOUT" "ARGS;FILES" ${ARGN})
  if(NOT K_TIMEOUT)
    set(K_TIMEOUT 300)
  endif()
  if(DEFINED LVSD_GUEST_DIR)
    set(guest_dir ${LVSD_GUEST_DIR})
  elseif(DEFINED ENV{LVSD_GUEST_DIR})
    set(guest_dir $ENV{LVSD_GUEST_DIR})
  else()
    set(guest_dir ${CMAKE_BINARY_DIR}/kernel-guest)
  endif()
  set(cmd ${PROJECT_SOURCE_DIR}/tests/kernel/run-in-guest.sh -t ${K_TIMEOUT})
  foreach(f ${K_FILES})
    list(APPEND cmd -f ${f})
  endforeach()
  math(EXPR ctest_timeout "${K_TIMEOUT} + 30")
  add_test(NAME kernel_${name} COMMAND ${cmd} ${K_SCRIPT} ${K_ARGS})
  set_tests_properties(kernel_${name} PROPERTIES LABELS kernel FIXTURES_REQUIRED kernel_setup
                       TIMEOUT ${ctest_timeout} ENVIRONMENT "LVSD_GUEST_DIR=${guest_dir}")
endfunction()
