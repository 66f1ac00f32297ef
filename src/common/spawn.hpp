#pragma once
// Owners of posix_spawn's two setup objects, so that every way out of a spawn (an error, an
// exception) destroys them. posix_spawn rather than fork: a fork taken while another thread holds
// the allocator's lock leaves a child that allocates before exec blocked forever.
#include <spawn.h>

namespace dspm {

class SpawnActions {
  public:
    SpawnActions() { ::posix_spawn_file_actions_init(&a_); }
    ~SpawnActions() { ::posix_spawn_file_actions_destroy(&a_); }
    SpawnActions(const SpawnActions&) = delete;
    SpawnActions& operator=(const SpawnActions&) = delete;
    posix_spawn_file_actions_t* get() { return &a_; }

  private:
    posix_spawn_file_actions_t a_;
};

class SpawnAttributes {
  public:
    SpawnAttributes() { ::posix_spawnattr_init(&a_); }
    ~SpawnAttributes() { ::posix_spawnattr_destroy(&a_); }
    SpawnAttributes(const SpawnAttributes&) = delete;
    SpawnAttributes& operator=(const SpawnAttributes&) = delete;
    posix_spawnattr_t* get() { return &a_; }

  private:
    posix_spawnattr_t a_;
};

}  // namespace dspm
