// core/tensor_list.hpp — TensorList: a record's inputs, kept in place when there are few.
//
// Layer: core (depends on tensor.hpp). Almost every op has one to three inputs; a std::vector of
// them is a malloc and a free per recorded op. TensorList holds up to kInline tensors inside
// itself and moves to a std::vector only beyond that (concat of many tensors). It reads like the
// vector it replaces: size(), operator[], push_back, clear, and a range-for over its tensors.
#pragma once

#include <cstddef>
#include <type_traits>
#include <vector>

#include "core/tensor.hpp"

namespace tg {

class TensorList {
 public:
  static constexpr std::size_t kInline = 4;

  TensorList() = default;
  // record("mul", {a, b}, ...) lands here: the tensors are copied once, straight into place (an
  // std::initializer_list would copy each one twice).
  template <class... Ts,
            class = std::enable_if_t<(sizeof...(Ts) > 0) && (std::is_same_v<Ts, Tensor> && ...)>>
  TensorList(const Ts&... tensors) {  // NOLINT: implicit, for the braces
    (push_back(tensors), ...);
  }
  TensorList(const std::vector<Tensor>& tensors) {  // NOLINT: implicit, like the vector it was
    for (const Tensor& t : tensors) push_back(t);
  }

  void push_back(Tensor t) {
    if (size_ < kInline && spilled_.empty()) {
      inline_[size_++] = std::move(t);
      return;
    }
    if (spilled_.empty())  // the fifth tensor: move all of them to the vector
      for (Tensor& held : inline_) spilled_.push_back(std::move(held));
    spilled_.push_back(std::move(t));
    ++size_;
  }
  void clear() {
    for (Tensor& held : inline_) held = Tensor();
    spilled_.clear();
    size_ = 0;
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const Tensor* begin() const { return spilled_.empty() ? inline_ : spilled_.data(); }
  const Tensor* end() const { return begin() + size_; }
  const Tensor& operator[](std::size_t i) const { return begin()[i]; }

 private:
  Tensor inline_[kInline];
  std::vector<Tensor> spilled_;  // all of them, once there are more than kInline
  std::size_t size_ = 0;
};

}  // namespace tg
