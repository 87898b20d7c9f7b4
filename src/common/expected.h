#pragma once
// A small stand-in for C++23 std::expected (Debian 12's g++ 12 / Boost 1.74 have none).
// Only what lvsd uses: value-or-error, has_value/operator bool, value(), error(), Unexpected.

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace lvsd {

template <class E>
class Unexpected {
public:
  explicit Unexpected(E e) : error_(std::move(e)) {}
  E& error() & { return error_; }
  E&& error() && { return std::move(error_); }
  const E& error() const& { return error_; }

private:
  E error_;
};

template <class E>
Unexpected(E) -> Unexpected<E>;

/// Holds either a T or an E. Accessing the wrong alternative is a programming error (asserted).
template <class T, class E>
class Expected {
public:
  Expected() requires std::is_default_constructible_v<T> : v_(std::in_place_index<0>) {}
  Expected(T v)
      : v_(std::in_place_index<0>, std::move(v)) {}  // NOLINT(google-explicit-constructor)
  template <class G>
  Expected(Unexpected<G> u)  // NOLINT(google-explicit-constructor)
      : v_(std::in_place_index<1>, std::move(u).error()) {}

  [[nodiscard]] bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  E& error() & {
    assert(!has_value());
    return std::get<1>(v_);
  }
  const E& error() const& {
    assert(!has_value());
    return std::get<1>(v_);
  }

private:
  std::variant<T, E> v_;
};

/// Expected<void, E>.
template <class E>
class Expected<void, E> {
public:
  Expected() = default;
  template <class G>
  Expected(Unexpected<G> u)  // NOLINT(google-explicit-constructor)
      : err_(std::move(u).error()), ok_(false) {}
  [[nodiscard]] bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const E& error() const {
    assert(!ok_);
    return err_;
  }

private:
  E err_{};
  bool ok_ = true;
};

}  // namespace lvsd
