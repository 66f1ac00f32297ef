#pragma once
// Client sessions as the original service keeps them: a client names a session_id of its own
// (a UUID in the dashboards) on the audit routes; the service remembers for a while which
// frameworks that session audited and the answers it got, so that a page reloaded within the TTL
// shows them again without auditing the account anew (GET /audit/session/{id}, then the same audit
// call with the session answered from memory, X-Cache: HIT). In memory and bounded: the count of
// sessions and the bytes of remembered answers; the oldest go first. The run store replaces the
// answers' memory when it exists.
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.hpp"

namespace dspm::api {

struct SessionView {
    std::string id;
    std::vector<std::string> frameworks;        // sorted, as first spelled by the client
    std::map<std::string, std::size_t> counts;  // audits per framework
    std::string last_framework;
    std::string created_at;    // RFC 3339 UTC
    std::string last_used_at;  // RFC 3339 UTC
    std::string expires_at;    // RFC 3339 UTC
};

struct SessionLimits {
    std::chrono::seconds ttl{600};  // 0: nothing is remembered
    std::size_t max_sessions = 4096;
    std::size_t max_answer_bytes = std::size_t{128} << 20;  // remembered answers, all sessions
    std::size_t max_id_bytes = 8192;
};

class SessionStore {
  public:
    using Clock = std::function<std::chrono::system_clock::time_point()>;
    explicit SessionStore(SessionLimits limits, Clock clock = {});

    // Any text the client chose, up to max_id_bytes (the original accepts any string, and one of
    // its own pages sends a function's source text); the error is a sentence for a 400.
    Expected<std::string, std::string> validate_id(std::string_view id) const;
    bool enabled() const { return limits_.ttl.count() > 0; }

    // The session audited this framework now (created when new; its TTL starts again).
    void mark(const std::string& id, const std::string& framework);
    std::optional<SessionView> find(const std::string& id);
    std::vector<SessionView> list();

    // An answer the session got for a request key (method, route, framework, requirement, regions);
    // remembered for the TTL from now. Answers larger than a tenth of the byte bound are not kept.
    void remember(const std::string& id, const std::string& key,
                  std::shared_ptr<const std::string> answer);
    std::shared_ptr<const std::string> recall(const std::string& id, const std::string& key);

  private:
    using TimePoint = std::chrono::system_clock::time_point;
    struct Answer {
        std::shared_ptr<const std::string> text;
        TimePoint stored;
    };
    struct Session {
        std::string id;
        TimePoint created;
        TimePoint last_used;
        std::map<std::string, std::size_t> counts;  // by framework as spelled
        std::string last_framework;
        std::map<std::string, Answer> answers;
    };
    TimePoint now() const;
    void expire(TimePoint now);  // with mutex_ held
    void evict_bytes();          // with mutex_ held
    SessionView view(const Session& s) const;

    SessionLimits limits_;
    Clock clock_;
    std::mutex mutex_;
    std::map<std::string, Session> sessions_;  // by SHA-256 of the id: fixed-size keys
    std::size_t answer_bytes_ = 0;
};

}  // namespace dspm::api
