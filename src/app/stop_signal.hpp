#pragma once
// Ctrl-C (or SIGTERM) during a long command (an audit, a worker) stops it cleanly.
#include <pthread.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "app/commands.hpp"

namespace dspm::app {

// Ctrl-C (or SIGTERM) during a run stops it cleanly: checks not started are not started, and the
// result of what finished is written, marked incomplete. The signals are taken by a thread of
// this guard with sigwait (no handler, no global); a second Ctrl-C ends the process at once.
class StopOnSignal {
  public:
    explicit StopOnSignal(std::atomic<bool>& stop) {
        sigemptyset(&set_);
        sigaddset(&set_, SIGINT);
        sigaddset(&set_, SIGTERM);
        sigaddset(&set_, SIGUSR1);  // the guard's own "run is over"
        pthread_sigmask(SIG_BLOCK, &set_, &previous_);
        watcher_ = std::thread([this, &stop] {
            int sig = 0;
            bool stopping = false;
            while (sigwait(&set_, &sig) == 0 && sig != SIGUSR1) {
                if (stopping) std::_Exit(exit_interrupted);
                stopping = true;
                stop.store(true);
                std::fprintf(stderr,
                             "\ndspm-audit: stopping after the work in progress "
                             "(Ctrl-C again to quit at once)\n");
            }
        });
    }
    ~StopOnSignal() {
        pthread_kill(watcher_.native_handle(), SIGUSR1);
        watcher_.join();
        pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
    }
    StopOnSignal(const StopOnSignal&) = delete;
    StopOnSignal& operator=(const StopOnSignal&) = delete;

  private:
    sigset_t set_{};
    sigset_t previous_{};
    std::thread watcher_;
};

}  // namespace dspm::app
