// Boost.Context's ucontext fibers (the sanitizer build's implementation, see loop.cpp) leave one
// function to its library: the record of the context running on this thread. Debian's
// libboost_context is built for the assembly implementation and lacks it, so the sanitizer build
// defines it here. The other builds compile nothing from this file.
#if defined(BOOST_USE_UCONTEXT)
#include <boost/context/fiber.hpp>

namespace boost::context::detail {

fiber_activation_record*& fiber_activation_record::current() noexcept {
    // The thread's own context (getcontext of where it stands) until a fiber is resumed on it;
    // each switch then records the context it entered here.
    thread_local fiber_activation_record thread_record;
    thread_local fiber_activation_record* running = &thread_record;
    return running;
}

}  // namespace boost::context::detail
#endif
