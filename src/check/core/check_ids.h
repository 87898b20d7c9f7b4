#pragma once
// Check ids as slot numbers: a CheckId is a dense slot index in its low bits and the slot's
// generation in its high bits. Tables keyed by CheckId (the scheduler's, the runner's, the
// pool's) are then vectors indexed by slot: one array access per result instead of a hash
// lookup (three of them per result were 4-5 % of the checker's CPU at 10,000 checks/s).
// A slot freed by a removed check is reused with its generation bumped, so an id that is
// still held somewhere after its check was removed does not find the new occupant.

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace lvsd::check {

using CheckId = uint32_t;

inline constexpr unsigned kCheckSlotBits = 20;  ///< 1,048,576 checks at most
inline constexpr uint32_t kCheckSlotMask = (uint32_t{1} << kCheckSlotBits) - 1;
inline constexpr uint32_t kCheckGenerations = uint32_t{1} << (32 - kCheckSlotBits);

constexpr uint32_t checkSlot(CheckId id) { return id & kCheckSlotMask; }

/// Hands out CheckIds: a freed slot is reused before a new one (the last freed first), each
/// time with the next generation (1..4095, never 0, so no id is 0).
class CheckIdAllocator {
public:
  /// @return a new id; 0 when all slots are in use.
  CheckId allocate() {
    uint32_t slot = 0;
    if (!free_.empty()) {
      slot = free_.back();
      free_.pop_back();
    } else if (generation_.size() <= kCheckSlotMask) {
      slot = static_cast<uint32_t>(generation_.size());
      generation_.push_back(0);
      inUse_.push_back(0);
    } else {
      return 0;
    }
    inUse_[slot] = 1;
    uint32_t& g = generation_[slot];
    g = g + 1 < kCheckGenerations ? g + 1 : 1;
    return slot | (g << kCheckSlotBits);
  }
  /// Frees the slot of @p id (an id of the current generation; others are ignored).
  void release(CheckId id) {
    const uint32_t slot = checkSlot(id);
    if (slot < generation_.size() && generation_[slot] == id >> kCheckSlotBits &&
        inUse_[slot] != 0) {
      inUse_[slot] = 0;
      free_.push_back(slot);
    }
  }

private:
  std::vector<uint32_t> generation_;  ///< per slot: the generation last handed out
  std::vector<uint8_t> inUse_;        ///< per slot: handed out and not released
  std::vector<uint32_t> free_;
};

/// A table keyed by CheckId, stored by slot. A row answers only to the exact id it was
/// inserted with. T must be default-constructible; erased rows are reset to T{}.
template <class T>
class CheckTable {
public:
  [[nodiscard]] T* find(CheckId id) { return const_cast<T*>(std::as_const(*this).find(id)); }
  [[nodiscard]] const T* find(CheckId id) const {
    const uint32_t s = checkSlot(id);
    return id != 0 && s < rows_.size() && rows_[s].id == id ? &rows_[s].value : nullptr;
  }
  [[nodiscard]] bool contains(CheckId id) const { return find(id) != nullptr; }
  /// Sets the row of @p id (0 is not a valid id), replacing whatever its slot held.
  /// Row addresses change when the table grows.
  T& insert(CheckId id, T value) {
    const uint32_t s = checkSlot(id);
    if (s >= rows_.size()) {
      rows_.resize(s + 1);
    }
    Row& r = rows_[s];
    size_ += r.id == 0 ? 1 : 0;
    r.id = id;
    r.value = std::move(value);
    return r.value;
  }
  /// @return whether @p id had a row.
  bool erase(CheckId id) {
    if (find(id) == nullptr) {
      return false;
    }
    Row& r = rows_[checkSlot(id)];
    r.id = 0;
    r.value = T{};
    --size_;
    return true;
  }
  void clear() {
    rows_.clear();
    size_ = 0;
  }
  [[nodiscard]] size_t size() const { return size_; }
  /// Calls @p f(id, value) for every row.
  template <class F>
  void forEach(F&& f) {
    for (Row& r : rows_) {
      if (r.id != 0) {
        f(r.id, r.value);
      }
    }
  }

private:
  struct Row {
    CheckId id = 0;  ///< 0: empty
    T value{};
  };
  std::vector<Row> rows_;
  size_t size_ = 0;
};

}  // namespace lvsd::check
