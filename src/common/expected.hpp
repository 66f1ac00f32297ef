#pragma once
// A small std::expected stand-in (GCC 12 ships <expected> only for C++23): a value or an error,
// for failures that are part of normal operation (denied AWS calls, unreachable services).
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

namespace dspm {

template <class E>
struct Unexpected {
    E error;
};
template <class E>
Unexpected<std::decay_t<E>> unexpected(E&& e) {
    return {std::forward<E>(e)};
}

template <class T, class E>
class Expected {
  public:
    Expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}
    template <class G>
    Expected(Unexpected<G> u) : v_(std::in_place_index<1>, E(std::move(u.error))) {}

    bool has_value() const { return v_.index() == 0; }
    explicit operator bool() const { return has_value(); }

    T& value() & {
        if (!has_value()) throw std::logic_error("Expected::value() on an error");
        return std::get<0>(v_);
    }
    const T& value() const& {
        if (!has_value()) throw std::logic_error("Expected::value() on an error");
        return std::get<0>(v_);
    }
    T&& value() && {
        if (!has_value()) throw std::logic_error("Expected::value() on an error");
        return std::get<0>(std::move(v_));
    }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    E& error() & { return std::get<1>(v_); }
    const E& error() const& { return std::get<1>(v_); }

  private:
    std::variant<T, E> v_;
};

}  // namespace dspm
