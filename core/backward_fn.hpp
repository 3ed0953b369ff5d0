// core/backward_fn.hpp — BackwardFn: what a tape record calls to push a gradient back, a
// std::function without the allocation.
//
// Layer: core (depends on tensor.hpp). Every recorded op stores one backward function, usually a
// lambda capturing the op's inputs: [a, b](const Tensor& g) { ... } is 32 bytes, linear's
// closure 72, attention's about 110. std::function keeps only 16 bytes in place and puts anything
// larger on the heap, which made every tape record a malloc and a free. BackwardFn keeps up to
// kInlineBytes of closure inside itself, so recording an op allocates nothing beyond the tensors
// it makes. (A larger closure still works: it goes to the heap, as with std::function.)
//
// It is move-only (a record is never copied) and reaches the closure through a table of three
// function pointers (call, move, destroy) written for the closure's type: the usual hand-made
// type erasure.
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

#include "core/tensor.hpp"

namespace tg {

class BackwardFn {
 public:
  static constexpr std::size_t kInlineBytes = 128;

  BackwardFn() = default;
  BackwardFn(std::nullptr_t) {}

  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, BackwardFn>>>
  BackwardFn(F&& f) {  // NOLINT: implicit, so that ops pass their lambdas directly
    using Closure = std::decay_t<F>;
    if constexpr (fits_inline<Closure>()) {
      ::new (static_cast<void*>(storage_)) Closure(std::forward<F>(f));
      kind_ = &inline_kind<Closure>;
    } else {
      ::new (static_cast<void*>(storage_)) Closure*(new Closure(std::forward<F>(f)));
      kind_ = &heap_kind<Closure>;
    }
  }

  // Moving may copy: a lambda's copy of a const local (a Shape, say) cannot be moved from.
  BackwardFn(BackwardFn&& other) { take(other); }
  BackwardFn& operator=(BackwardFn&& other) {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  BackwardFn& operator=(std::nullptr_t) {
    reset();
    return *this;
  }
  BackwardFn(const BackwardFn&) = delete;
  BackwardFn& operator=(const BackwardFn&) = delete;
  ~BackwardFn() { reset(); }

  explicit operator bool() const { return kind_ != nullptr; }
  // The gradient comes as an rvalue: when the tape knows nobody can read it again, the closure
  // may take it over (declare the parameter Tensor&&; const Tensor& works as well).
  void operator()(Tensor&& grad_output) const { kind_->call(storage_, std::move(grad_output)); }

 private:
  // What the closure's type needs done: call it, move it to other storage, destroy it.
  struct Kind {
    void (*call)(const unsigned char* storage, Tensor&& g);
    void (*move)(unsigned char* from, unsigned char* to);  // and destroys the one at `from`
    void (*destroy)(unsigned char* storage);
  };

  template <class Closure>
  static constexpr bool fits_inline() {
    return sizeof(Closure) <= kInlineBytes && alignof(Closure) <= alignof(std::max_align_t);
  }
  template <class Closure>
  static Closure* inline_closure(const unsigned char* storage) {
    return std::launder(reinterpret_cast<Closure*>(const_cast<unsigned char*>(storage)));
  }
  template <class Closure>
  static Closure* heap_closure(const unsigned char* storage) {
    return *std::launder(reinterpret_cast<Closure* const*>(storage));
  }

  template <class Closure>
  static constexpr Kind inline_kind = {
      [](const unsigned char* s, Tensor&& g) { (*inline_closure<Closure>(s))(std::move(g)); },
      [](unsigned char* from, unsigned char* to) {
        Closure* c = inline_closure<Closure>(from);
        ::new (static_cast<void*>(to)) Closure(std::move(*c));
        c->~Closure();
      },
      [](unsigned char* s) { inline_closure<Closure>(s)->~Closure(); }};
  template <class Closure>
  static constexpr Kind heap_kind = {
      [](const unsigned char* s, Tensor&& g) { (*heap_closure<Closure>(s))(std::move(g)); },
      [](unsigned char* from, unsigned char* to) {
        ::new (static_cast<void*>(to)) Closure*(heap_closure<Closure>(from));
      },
      [](unsigned char* s) { delete heap_closure<Closure>(s); }};

  void take(BackwardFn& other) {
    if (!other.kind_) return;
    other.kind_->move(other.storage_, storage_);
    kind_ = other.kind_;
    other.kind_ = nullptr;
  }
  void reset() {
    if (kind_) kind_->destroy(storage_);
    kind_ = nullptr;
  }

  alignas(std::max_align_t) unsigned char storage_[kInlineBytes];
  const Kind* kind_ = nullptr;
};

}  // namespace tg
