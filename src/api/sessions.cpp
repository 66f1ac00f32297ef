#include "api/sessions.hpp"

#include <algorithm>

#include "aws/credentials.hpp"  // format_iso8601
#include "aws/sigv4.hpp"        // sha256_hex
#include "common/utf8.hpp"

namespace dspm::api {
namespace {

// Fixed-size keys, whatever the client's id.
std::string digest(std::string_view id) {
    return aws::sha256_hex(id);
}

}  // namespace

SessionStore::SessionStore(SessionLimits limits, Clock clock)
    : limits_(limits), clock_(std::move(clock)) {}

SessionStore::TimePoint SessionStore::now() const {
    return clock_ ? clock_() : std::chrono::system_clock::now();
}

Expected<std::string, std::string> SessionStore::validate_id(std::string_view id) const {
    if (id.empty()) return unexpected(std::string("session_id is empty"));
    if (id.size() > limits_.max_id_bytes)
        return unexpected("session_id is longer than " + std::to_string(limits_.max_id_bytes) +
                          " bytes");
    // Kept as valid UTF-8, since it is shown back in JSON answers.
    return to_valid_utf8(id);
}

void SessionStore::expire(TimePoint t) {
    for (auto it = sessions_.begin(); it != sessions_.end();) {
        auto& s = it->second;
        for (auto a = s.answers.begin(); a != s.answers.end();) {
            if (t - a->second.stored >= limits_.ttl) {
                answer_bytes_ -= a->second.text->size();
                a = s.answers.erase(a);
            } else {
                ++a;
            }
        }
        if (t - s.last_used >= limits_.ttl) {
            for (const auto& [k, a] : s.answers)
                answer_bytes_ -= a.text->size();
            it = sessions_.erase(it);
        } else {
            ++it;
        }
    }
}

void SessionStore::evict_bytes() {
    // The oldest answers go first until the bound holds.
    while (answer_bytes_ > limits_.max_answer_bytes) {
        Session* owner = nullptr;
        std::map<std::string, Answer>::iterator oldest;
        for (auto& [key, s] : sessions_)
            for (auto a = s.answers.begin(); a != s.answers.end(); ++a)
                if (owner == nullptr || a->second.stored < oldest->second.stored) {
                    owner = &s;
                    oldest = a;
                }
        if (owner == nullptr) break;
        answer_bytes_ -= oldest->second.text->size();
        owner->answers.erase(oldest);
    }
}

void SessionStore::mark(const std::string& id, const std::string& framework) {
    if (!enabled()) return;
    std::lock_guard lock(mutex_);
    const auto t = now();
    expire(t);
    const auto key = digest(id);
    auto it = sessions_.find(key);
    if (it == sessions_.end()) {
        if (!sessions_.empty() && sessions_.size() >= limits_.max_sessions) {
            // The least recently used session makes room.
            auto lru = std::min_element(sessions_.begin(), sessions_.end(), [](auto& a, auto& b) {
                return a.second.last_used < b.second.last_used;
            });
            for (const auto& [k, a] : lru->second.answers)
                answer_bytes_ -= a.text->size();
            sessions_.erase(lru);
        }
        it = sessions_.emplace(key, Session{id, t, t, {}, {}, {}}).first;
    }
    auto& s = it->second;
    s.last_used = t;
    ++s.counts[framework];
    s.last_framework = framework;
}

SessionView SessionStore::view(const Session& s) const {
    SessionView v;
    v.id = s.id;
    for (const auto& [fw, n] : s.counts)
        v.frameworks.push_back(fw);
    v.counts = s.counts;
    v.last_framework = s.last_framework;
    v.created_at = aws::format_iso8601(s.created);
    v.last_used_at = aws::format_iso8601(s.last_used);
    v.expires_at = aws::format_iso8601(s.last_used + limits_.ttl);
    return v;
}

std::optional<SessionView> SessionStore::find(const std::string& id) {
    std::lock_guard lock(mutex_);
    expire(now());
    const auto it = sessions_.find(digest(id));
    if (it == sessions_.end()) return std::nullopt;
    return view(it->second);
}

std::vector<SessionView> SessionStore::list() {
    std::lock_guard lock(mutex_);
    expire(now());
    std::vector<SessionView> out;
    for (const auto& [k, s] : sessions_)
        out.push_back(view(s));
    return out;
}

void SessionStore::remember(const std::string& id, const std::string& key,
                            std::shared_ptr<const std::string> answer) {
    if (!enabled() || !answer || answer->size() > limits_.max_answer_bytes / 10) return;
    std::lock_guard lock(mutex_);
    const auto t = now();
    expire(t);
    const auto it = sessions_.find(digest(id));
    if (it == sessions_.end()) return;  // marked before every audit; expired since: not kept
    auto& answers = it->second.answers;
    if (auto old = answers.find(key); old != answers.end()) {
        answer_bytes_ -= old->second.text->size();
        answers.erase(old);
    }
    answer_bytes_ += answer->size();
    answers.emplace(key, Answer{std::move(answer), t});
    evict_bytes();
}

std::shared_ptr<const std::string> SessionStore::recall(const std::string& id,
                                                        const std::string& key) {
    if (!enabled()) return nullptr;
    std::lock_guard lock(mutex_);
    expire(now());
    const auto it = sessions_.find(digest(id));
    if (it == sessions_.end()) return nullptr;
    const auto a = it->second.answers.find(key);
    if (a == it->second.answers.end()) return nullptr;
    return a->second.text;
}

}  // namespace dspm::api
