// Loading the effective Settings. Every setting is described once in a table (name, default,
// parser); the sources are consulted in precedence order and the first one that has the name
// wins. Values are validated strictly: a typo in PORT must stop start-up, not pick a default.
#include "app/config.hpp"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <system_error>

#include "aws/endpoints.hpp"
#include "aws/regions.hpp"
#include "common/embedded.hpp"
#include "mutelist/mutelist.hpp"
#include "net/redact.hpp"
#include "store/store.hpp"

namespace dspm::app {
namespace {

// What a parser reports back: nothing on success, else the reason ("expected 1-65535").
using ParseResult = std::optional<std::string>;
using Parser = ParseResult (*)(Settings&, const std::string&);

struct SettingSpec {
    const char* name;
    const char* default_value;
    Parser parse;
    const char* help;
};

std::string trim(std::string_view s) {
    const auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
    while (!s.empty() && is_space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_space(s.back()))
        s.remove_suffix(1);
    return std::string(s);
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool has_space_or_control(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](unsigned char c) {
        return std::isspace(c) != 0 || std::iscntrl(c) != 0;
    });
}

std::optional<long long> parse_integer(const std::string& text) {
    if (text.empty()) return std::nullopt;
    long long value = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || ptr != end) return std::nullopt;
    return value;
}

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        std::string item = trim(std::string_view(text).substr(start, comma - start));
        if (!item.empty()) out.push_back(std::move(item));
        start = comma + 1;
    }
    return out;
}

// Sibling service base URLs: requests are sent to them with paths appended, so they must be
// plain http(s)://host[:port][/path] URLs; anything else (another scheme, no host, a query or
// fragment that would swallow the appended path, spaces) is refused at start-up.
ParseResult parse_url(std::string& out, const std::string& value) {
    if (value.empty()) {
        out.clear();
        return std::nullopt;
    }
    if (has_space_or_control(value)) return "expected a URL without spaces";
    auto parsed = boost::urls::parse_absolute_uri(value);
    if (!parsed) return "expected an absolute URL starting with http:// or https://";
    const std::string scheme = lower(parsed->scheme());
    if (scheme != "http" && scheme != "https")
        return "expected an absolute URL starting with http:// or https://";
    if (!parsed->has_authority() || parsed->encoded_host().empty())
        return "expected a host after the scheme";
    if (parsed->has_query() || parsed->has_fragment())
        return "expected a base URL without a query or fragment (paths are appended to it)";
    // Paths are appended to the base ("/compliance/stats"), so a trailing slash would double up.
    std::string normalized = value;
    while (normalized.size() > scheme.size() + 4 && normalized.back() == '/')
        normalized.pop_back();
    out = std::move(normalized);
    return std::nullopt;
}

ParseResult parse_aws_region(Settings& s, const std::string& v) {
    if (!aws::valid_region_name(v))
        return "expected an AWS region name (" + aws::region_forms_hint() + ")";
    s.aws_region = v;
    return std::nullopt;
}

ParseResult parse_mapping_base_url(Settings& s, const std::string& v) {
    return parse_url(s.mapping_base_url, v);
}

ParseResult parse_mapping_fallback(Settings& s, const std::string& v) {
    const std::string low = lower(v);
    if (!low.empty() && low != "embedded") return "expected \"\" or \"embedded\"";
    s.mapping_fallback = low;
    return std::nullopt;
}

ParseResult parse_collector_base_url(Settings& s, const std::string& v) {
    return parse_url(s.collector_base_url, v);
}

ParseResult parse_catalog_dir(Settings& s, const std::string& v) {
    if (!v.empty()) {
        std::error_code ec;
        if (!std::filesystem::is_directory(v, ec)) return "expected an existing directory";
    }
    s.catalog_dir = v;
    return std::nullopt;
}

ParseResult parse_host(Settings& s, const std::string& v) {
    if (v.empty() || has_space_or_control(v)) return "expected a host name or IP address";
    s.host = v;
    return std::nullopt;
}

ParseResult parse_port(Settings& s, const std::string& v) {
    const auto n = parse_integer(v);
    if (!n || *n < 1 || *n > 65535) return "expected an integer 1-65535";
    s.port = static_cast<unsigned short>(*n);
    return std::nullopt;
}

ParseResult parse_mapping_port(Settings& s, const std::string& v) {
    const auto n = parse_integer(v);
    if (!n || *n < 0 || *n > 65535) return "expected an integer 0-65535 (0: off)";
    s.mapping_port = static_cast<unsigned short>(*n);
    return std::nullopt;
}

// An origin is what a browser sends in Origin: scheme, host and an optional port, nothing else.
bool valid_origin(std::string_view o) {
    std::string_view rest;
    if (o.rfind("http://", 0) == 0)
        rest = o.substr(7);
    else if (o.rfind("https://", 0) == 0)
        rest = o.substr(8);
    else
        return false;
    if (rest.empty() || rest.size() > 253 + 6) return false;
    return std::all_of(rest.begin(), rest.end(), [](unsigned char c) {
        return std::isalnum(c) != 0 || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
    });
}

ParseResult parse_cors_origins(Settings& s, const std::string& v) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= v.size()) {
        auto comma = v.find(',', start);
        if (comma == std::string::npos) comma = v.size();
        std::string item = trim(v.substr(start, comma - start));
        while (!item.empty() && item.back() == '/')
            item.pop_back();
        if (!item.empty()) {
            if (item != "*" && !valid_origin(item))
                return "expected * or a comma list of origins like https://app.example.com:3000 (" +
                       item + ")";
            out.push_back(lower(item));
        }
        start = comma + 1;
    }
    if (out.size() > 64) return "at most 64 origins";
    s.cors_allow_origins = std::move(out);
    return std::nullopt;
}

ParseResult parse_log_level(Settings& s, const std::string& v) {
    std::string low = lower(v);
    if (low == "warn") low = "warning";
    if (low != "debug" && low != "info" && low != "warning" && low != "error")
        return "expected one of debug, info, warning, error";
    s.log_level = low;
    return std::nullopt;
}

ParseResult parse_token(Settings& s, const std::string& v) {
    // A token with spaces could never match a "Bearer <token>" header.
    if (has_space_or_control(v)) return "expected a token without spaces or control characters";
    s.audit_api_token = v;
    return std::nullopt;
}

ParseResult parse_concurrency(Settings& s, const std::string& v) {
    const auto n = parse_integer(v);
    // Tasks, not threads, carry the calls in flight (src/exec): 512 costs stacks, not threads.
    if (!n || *n < 1 || *n > 512) return "expected an integer 1-512";
    s.audit_concurrency = static_cast<std::size_t>(*n);
    return std::nullopt;
}

ParseResult parse_audit_mode(Settings& s, const std::string& v) {
    const std::string low = lower(v);
    if (low != "parallel" && low != "sequential") return "expected parallel or sequential";
    s.audit_mode = low;
    return std::nullopt;
}

ParseResult parse_rate_limit(Settings& s, const std::string& v) {
    try {
        std::size_t used = 0;
        const double rate = std::stod(v, &used);
        if (used != v.size() || !(rate >= 0) || rate > 100000) throw std::invalid_argument(v);
        s.aws_rate_limit = rate;
    } catch (const std::exception&) {
        return "expected requests per second, a number from 0 (no limit) to 100000";
    }
    return std::nullopt;
}

ParseResult parse_regions(Settings& s, const std::string& v) {
    auto regions = split_list(v);
    for (auto& r : regions)
        if (lower(r) == "all") r = "all";
    const bool has_all = std::find(regions.begin(), regions.end(), "all") != regions.end();
    if (has_all && regions.size() > 1) return "\"all\" cannot be combined with region names";
    if (!has_all) {
        auto valid = aws::validate_regions(regions);
        if (!valid)
            return "expected a comma list of AWS region names, or \"all\": " + valid.error();
        regions = std::move(*valid);
    }
    s.audit_regions = std::move(regions);
    return std::nullopt;
}

ParseResult parse_sso_max(Settings& s, const std::string& v) {
    const auto n = parse_integer(v);
    if (!n || *n < 0 || *n > 100000) return "expected an integer 0-100000";
    s.sso_permission_set_max = static_cast<int>(*n);
    return std::nullopt;
}

ParseResult parse_sso_allowlist(Settings& s, const std::string& v) {
    s.sso_admin_allowlist = split_list(v);
    return std::nullopt;
}

ParseResult parse_bound(std::size_t& out, const std::string& v, long long min, long long max) {
    const auto n = parse_integer(v);
    if (!n || *n < min || *n > max)
        return "expected an integer " + std::to_string(min) + "-" + std::to_string(max);
    out = static_cast<std::size_t>(*n);
    return std::nullopt;
}
ParseResult parse_collector_max_rows(Settings& s, const std::string& v) {
    return parse_bound(s.collector_max_rows, v, 1, 10000000);
}
ParseResult parse_mapping_max_requirements(Settings& s, const std::string& v) {
    return parse_bound(s.mapping_max_requirements, v, 1, 1000000);
}
ParseResult parse_sibling_max_bytes(Settings& s, const std::string& v) {
    return parse_bound(s.sibling_max_response_bytes, v, 1024, 1LL << 30);
}

// IAM's grammar for role names and STS's for session names and external ids: each goes into an
// ARN or a signed STS request, so nothing else gets through.
bool iam_name_chars(std::string_view v, std::string_view extra) {
    return std::all_of(v.begin(), v.end(), [extra](unsigned char c) {
        return std::isalnum(c) != 0 ||
               std::string_view("_+=,.@-").find(static_cast<char>(c)) != std::string_view::npos ||
               extra.find(static_cast<char>(c)) != std::string_view::npos;
    });
}
ParseResult parse_role_name(Settings& s, const std::string& v) {
    if (v.empty() || v.size() > 64 || !iam_name_chars(v, ""))
        return "expected an IAM role name: 1-64 letters, digits or _+=,.@-";
    s.audit_role_name = v;
    return std::nullopt;
}
ParseResult parse_role_external_id(Settings& s, const std::string& v) {
    if (!v.empty() && (v.size() < 2 || v.size() > 1224 || !iam_name_chars(v, ":/")))
        return "expected 2-1224 letters, digits or _+=,.@:/- (empty: none)";
    s.audit_role_external_id = v;
    return std::nullopt;
}
ParseResult parse_role_session_name(Settings& s, const std::string& v) {
    if (v.size() < 2 || v.size() > 64 || !iam_name_chars(v, ""))
        return "expected a session name: 2-64 letters, digits or _+=,.@-";
    s.audit_role_session_name = v;
    return std::nullopt;
}
ParseResult parse_accounts_parallel(Settings& s, const std::string& v) {
    return parse_bound(s.audit_accounts_parallel, v, 1, 64);
}
ParseResult parse_max_accounts(Settings& s, const std::string& v) {
    return parse_bound(s.audit_max_accounts, v, 1, 10000);
}
ParseResult parse_worker_lease(Settings& s, const std::string& v) {
    return parse_bound(s.worker_lease_s, v, 3, 3600);
}
ParseResult parse_queue_local(Settings& s, const std::string& v) {
    return parse_bound(s.audit_queue_local, v, 0, 64);
}
ParseResult parse_audit_max_runs(Settings& s, const std::string& v) {
    return parse_bound(s.audit_max_runs, v, 1, 256);
}
ParseResult parse_audit_retry_after(Settings& s, const std::string& v) {
    return parse_bound(s.audit_retry_after_s, v, 1, 3600);
}
ParseResult parse_server_worker_threads(Settings& s, const std::string& v) {
    return parse_bound(s.server_worker_threads, v, 1, 256);
}
ParseResult parse_max_connections_per_client(Settings& s, const std::string& v) {
    return parse_bound(s.max_connections_per_client, v, 0, 100000);
}

ParseResult parse_session_ttl(Settings& s, const std::string& v) {
    return parse_bound(s.session_ttl_s, v, 0, 86400);
}

// Read and checked here, so that a bad file stops every command at start-up naming its line; the
// engine reads it again when it is built.
ParseResult parse_mutelist(Settings& s, const std::string& v) {
    if (!v.empty()) {
        auto list = mutelist::Mutelist::load_file(v);
        if (!list) return list.error();
    }
    s.audit_mutelist = v;
    return std::nullopt;
}

// https only, except plain http to this machine (tests, a local relay): the URL's path is the
// webhook's secret and must not cross a network in clear.
ParseResult parse_slack_webhook(Settings& s, const std::string& v) {
    if (v.empty()) {
        s.slack_webhook_url.clear();
        return std::nullopt;
    }
    if (has_space_or_control(v)) return "expected a URL without spaces";
    auto parsed = boost::urls::parse_absolute_uri(v);
    if (!parsed || !parsed->has_authority() || parsed->encoded_host().empty())
        return "expected https://hooks.slack.com/services/...";
    const std::string scheme = lower(parsed->scheme());
    const std::string host = lower(std::string(parsed->encoded_host()));
    const bool loopback = host == "127.0.0.1" || host == "localhost" || host == "[::1]";
    if (scheme != "https" && !(scheme == "http" && loopback))
        return "expected an https:// URL (plain http only to 127.0.0.1)";
    s.slack_webhook_url = v;
    return std::nullopt;
}

ParseResult parse_results_dir(Settings& s, const std::string& v) {
    s.results_dir = v;
    return std::nullopt;
}

ParseResult parse_data_dir(Settings& s, const std::string& v) {
    if (std::any_of(v.begin(), v.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
        return "expected a directory path without control characters";
    s.data_dir = v.empty() ? std::string("data") : v;
    return std::nullopt;
}

// A libpq URL only (postgresql:// or postgres://): a key=value string could smuggle options.
ParseResult parse_database_url(Settings& s, const std::string& v) {
    if (v.empty()) {
        s.database_url.clear();
        return std::nullopt;
    }
    if (has_space_or_control(v)) return "expected a URL without spaces";
    const std::string l = lower(v);
    if (l.rfind("postgresql://", 0) != 0 && l.rfind("postgres://", 0) != 0)
        return "expected postgresql://user:password@host:port/database";
    if (v.size() > 2048) return "expected at most 2048 characters";
    s.database_url = v;
    return std::nullopt;
}

ParseResult parse_runs_keep(Settings& s, const std::string& v) {
    if (auto r = store::parse_retention(v); !r) return r.error();
    s.runs_keep = v == "0" ? std::string() : v;
    return std::nullopt;
}

// Writes to AWS are off unless asked for in so many words.
ParseResult parse_fix_enabled(Settings& s, const std::string& v) {
    const std::string l = lower(v);
    if (l.empty() || l == "0" || l == "false" || l == "no") {
        s.fix_enabled = false;
        return std::nullopt;
    }
    if (l == "1" || l == "true" || l == "yes") {
        s.fix_enabled = true;
        return std::nullopt;
    }
    return "expected 1 or 0 (true or false)";
}

ParseResult parse_fix_plan_ttl(Settings& s, const std::string& v) {
    return parse_bound(s.fix_plan_ttl_s, v, 60, 7 * 86400);
}

constexpr SettingSpec specs[] = {
    {"AWS_REGION", "ap-northeast-2", parse_aws_region, "default AWS region"},
    {"MAPPING_BASE_URL", "", parse_mapping_base_url, "Compliance Mapping API; empty: embedded"},
    {"MAPPING_FALLBACK", "", parse_mapping_fallback, "\"embedded\": fall back when remote fails"},
    {"COLLECTOR_BASE_URL", "", parse_collector_base_url, "Resource Collector API; empty: AWS"},
    {"CATALOG_DIR", "", parse_catalog_dir, "catalog data directory; empty: embedded"},
    {"HOST", "127.0.0.1", parse_host, "address the server binds"},
    {"PORT", "8103", parse_port, "port the server listens on"},
    {"MAPPING_PORT", "0", parse_mapping_port,
     "second port serving the catalog routes (clients call 8003); 0: off"},
    {"CORS_ALLOW_ORIGINS", "*", parse_cors_origins,
     "origins browser pages may call from: * or a comma list; empty: no CORS"},
    {"SESSION_TTL", "600", parse_session_ttl,
     "seconds a session_id remembers its audits (0: not remembered)"},
    {"LOG_LEVEL", "info", parse_log_level, "debug, info, warning or error"},
    {"AUDIT_API_TOKEN", "", parse_token, "bearer token required by the API (secret)"},
    {"AUDIT_CONCURRENCY", "16", parse_concurrency, "AWS calls in flight per audit run"},
    {"AUDIT_MODE", "parallel", parse_audit_mode, "parallel, or sequential (benchmark baseline)"},
    {"AUDIT_AWS_RATE_LIMIT", "0", parse_rate_limit, "AWS requests/s per operation; 0: none"},
    {"AUDIT_REGIONS", "", parse_regions,
     "comma list of regions; empty or all: every enabled region"},
    {"SSO_PERMISSION_SET_MAX", "20", parse_sso_max, "SSO permission sets before flagging"},
    {"SSO_ADMIN_ALLOWLIST", "", parse_sso_allowlist, "comma list of allowed SSO admins"},
    {"RESULTS_DIR", "", parse_results_dir, "where the CLI writes full results"},
    {"DATA_DIR", "data", parse_data_dir,
     "the SQLite run store's folder (runs.sqlite3), unless DATABASE_URL is set"},
    {"DATABASE_URL", "", parse_database_url,
     "PostgreSQL run store, postgresql://user:pass@host:port/db (secret); empty: SQLite"},
    {"RUNS_KEEP", "", parse_runs_keep,
     "runs the store keeps: a count (500) or days (90d); empty or 0: every run"},
    {"FIX_ENABLED", "0", parse_fix_enabled,
     "1: the API may apply remediation plans (POST /fix with apply; needs AUDIT_API_TOKEN)"},
    {"FIX_PLAN_TTL", "3600", parse_fix_plan_ttl,
     "seconds a remediation plan can be applied after it was made"},
    {"SLACK_WEBHOOK_URL", "", parse_slack_webhook,
     "Slack incoming webhook for --notify slack and ?notify=slack (secret)"},
    {"AUDIT_MUTELIST", "", parse_mutelist,
     "suppressions file (YAML or JSON): accepted findings with reason, approver, expiry"},
    {"COLLECTOR_MAX_ROWS", "50000", parse_collector_max_rows, "rows per collector list"},
    {"MAPPING_MAX_REQUIREMENTS", "5000", parse_mapping_max_requirements,
     "requirements per framework from the Mapping API"},
    {"SIBLING_MAX_RESPONSE_BYTES", "16777216", parse_sibling_max_bytes,
     "bytes per collector or Mapping API answer"},
    {"AUDIT_MAX_RUNS", "8", parse_audit_max_runs, "audits the server runs at once; more: 503"},
    {"AUDIT_RETRY_AFTER", "10", parse_audit_retry_after,
     "Retry-After seconds when audits are full"},
    {"SERVER_WORKER_THREADS", "8", parse_server_worker_threads,
     "server threads for the non-audit routes"},
    {"MAX_CONNECTIONS_PER_CLIENT", "64", parse_max_connections_per_client,
     "open connections per client address; 0: no bound"},
    {"AUDIT_ROLE_NAME", "DSPMAuditRole", parse_role_name,
     "role assumed in each account of an Organization audit (--org, ?accounts=)"},
    {"AUDIT_ROLE_EXTERNAL_ID", "", parse_role_external_id,
     "external id sent when assuming AUDIT_ROLE_NAME (secret); empty: none"},
    {"AUDIT_ROLE_SESSION_NAME", "dspm-audit", parse_role_session_name,
     "role session name CloudTrail records for the assumed roles"},
    {"AUDIT_ACCOUNTS_PARALLEL", "4", parse_accounts_parallel,
     "accounts audited at once (each with AUDIT_CONCURRENCY calls in flight)"},
    {"AUDIT_MAX_ACCOUNTS", "1000", parse_max_accounts, "accounts one run audits at most"},
    {"WORKER_LEASE_SECONDS", "60", parse_worker_lease,
     "a queued unit's lease (DATABASE_URL); an expired one is taken again"},
    {"AUDIT_QUEUE_LOCAL", "2", parse_queue_local,
     "units of its own queued run the enqueuing process works on (0: workers only)"},
};

const SettingSpec* find_spec(std::string_view name) {
    for (const auto& spec : specs)
        if (name == spec.name) return &spec;
    return nullptr;
}

bool valid_key(std::string_view key) {
    if (key.empty()) return false;
    const auto first = static_cast<unsigned char>(key.front());
    if (std::isalpha(first) == 0 && first != '_') return false;
    return std::all_of(key.begin(), key.end(),
                       [](unsigned char c) { return std::isalnum(c) != 0 || c == '_'; });
}

struct DotenvValue {
    std::string value;
    int line = 0;
};

// After a closing quote only whitespace or a comment may follow.
bool only_comment_left(std::string_view rest) {
    const std::string t = trim(rest);
    return t.empty() || t.front() == '#';
}

// Parses the text after "KEY=". Returns the reason on a malformed value.
Expected<std::string, std::string> parse_dotenv_value(std::string_view raw) {
    std::size_t i = 0;
    while (i < raw.size() && (raw[i] == ' ' || raw[i] == '\t'))
        ++i;
    if (i == raw.size()) return std::string{};
    const char quote = raw[i];
    if (quote == '\'') {
        const std::size_t close = raw.find('\'', i + 1);
        if (close == std::string_view::npos) return unexpected(std::string("unterminated quote"));
        if (!only_comment_left(raw.substr(close + 1)))
            return unexpected(std::string("unexpected text after the closing quote"));
        return std::string(raw.substr(i + 1, close - i - 1));
    }
    if (quote == '"') {
        std::string out;
        for (std::size_t j = i + 1; j < raw.size(); ++j) {
            const char c = raw[j];
            if (c == '"') {
                if (!only_comment_left(raw.substr(j + 1)))
                    return unexpected(std::string("unexpected text after the closing quote"));
                return out;
            }
            if (c == '\\' && j + 1 < raw.size()) {
                const char e = raw[++j];
                switch (e) {
                    case 'n':
                        out += '\n';
                        break;
                    case 't':
                        out += '\t';
                        break;
                    case 'r':
                        out += '\r';
                        break;
                    case '"':
                    case '\\':
                        out += e;
                        break;
                    default:  // unknown escapes stay as written, like the usual dotenv readers
                        out += '\\';
                        out += e;
                }
                continue;
            }
            out += c;
        }
        return unexpected(std::string("unterminated quote"));
    }
    // Unquoted: a '#' that follows whitespace starts a comment ("KEY=a#b" keeps the '#').
    std::size_t end = raw.size();
    for (std::size_t j = 0; j < raw.size(); ++j) {
        if (raw[j] == '#' && (j == 0 || raw[j - 1] == ' ' || raw[j - 1] == '\t')) {
            end = j;
            break;
        }
    }
    return trim(raw.substr(0, end));
}

constexpr std::uintmax_t max_dotenv_bytes = 1024 * 1024;

// The AWS CLI's own variables are read by the AWS client, not by the settings table, but a typo
// in them must stop start-up as loudly as a typo in PORT: AWS_MAX_ATTEMPTS=abc used to mean "3",
// AWS_ENDPOINT_URL=not-a-url a request to nowhere.
std::optional<ConfigError> check_aws_environment(
    const std::function<const char*(const char*)>& env_lookup) {
    if (!env_lookup) return std::nullopt;
    const auto bad = [](const std::string& name, const std::string& value, const std::string& why) {
        return ConfigError{"invalid " + name + " \"" + aws::printable(net::redact_url(value), 200) +
                           "\" (from environment): " + why};
    };
    if (const char* v = env_lookup("AWS_MAX_ATTEMPTS"); v != nullptr) {
        const auto n = parse_integer(v);
        if (!n || *n < 1 || *n > 50) return bad("AWS_MAX_ATTEMPTS", v, "expected an integer 1-50");
    }
    if (const char* v = env_lookup("AWS_RETRY_MODE"); v != nullptr) {
        const std::string m = lower(v);
        if (m != "legacy" && m != "standard" && m != "adaptive")
            return bad("AWS_RETRY_MODE", v, "expected legacy, standard or adaptive");
    }
    for (const char* flag : {"AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT",
                             "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_EC2_METADATA_DISABLED"}) {
        if (const char* v = env_lookup(flag); v != nullptr) {
            const std::string b = lower(v);
            if (b != "true" && b != "false") return bad(flag, v, "expected true or false");
        }
    }
    std::vector<std::string> names{"AWS_ENDPOINT_URL"};
    std::vector<std::string> services{"sts", "sso", "sso-oidc"};
    for (const auto& file : embedded::all()) {
        std::string_view path = file.path;
        if (!path.starts_with("aws/models/") || !path.ends_with(".json")) continue;
        path.remove_prefix(std::string_view("aws/models/").size());
        path.remove_suffix(std::string_view(".json").size());
        services.emplace_back(path);
    }
    for (const auto& service : services)
        names.push_back("AWS_ENDPOINT_URL_" + aws::endpoint_env_suffix(service));
    for (const auto& name : names) {
        const char* v = env_lookup(name.c_str());
        if (v == nullptr || *v == '\0') continue;
        std::string normalized;
        if (auto reason = parse_url(normalized, v)) return bad(name, v, *reason);
        if (boost::urls::parse_absolute_uri(v)->has_userinfo())
            return bad(name, v, "expected a URL without user information");
    }
    return std::nullopt;
}

Expected<std::map<std::string, DotenvValue>, ConfigError> read_dotenv(const std::string& path) {
    std::map<std::string, DotenvValue> values;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return values;
    if (std::filesystem::is_directory(path, ec))
        return unexpected(ConfigError{path + ": is a directory, expected a .env file"});
    // A FIFO would block start-up on open and /dev/zero would never end: only regular files, and
    // only as large as a settings file can sensibly be.
    if (!std::filesystem::is_regular_file(path, ec))
        return unexpected(ConfigError{path + ": is not a regular file, expected a .env file"});
    const auto size = std::filesystem::file_size(path, ec);
    if (ec || size > max_dotenv_bytes)
        return unexpected(ConfigError{path + ": larger than " + std::to_string(max_dotenv_bytes) +
                                      " bytes, expected a .env file"});
    std::ifstream file(path, std::ios::binary);
    if (!file) return unexpected(ConfigError{path + ": cannot be read"});
    // Bounded read: the file may grow between the size check and the read.
    std::string content(max_dotenv_bytes + 1, '\0');
    file.read(content.data(), static_cast<std::streamsize>(content.size()));
    content.resize(static_cast<std::size_t>(file.gcount()));
    if (content.size() > max_dotenv_bytes)
        return unexpected(ConfigError{path + ": larger than " + std::to_string(max_dotenv_bytes) +
                                      " bytes, expected a .env file"});
    std::istringstream in(content);
    std::string line;
    int number = 0;
    const auto fail = [&](const std::string& reason) {
        return unexpected(ConfigError{path + ":" + std::to_string(number) + ": " + reason});
    };
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        std::string_view text = line;
        if (number == 1 && text.rfind("\xEF\xBB\xBF", 0) == 0) text.remove_prefix(3);  // BOM
        const std::string trimmed = trim(text);
        if (trimmed.empty() || trimmed.front() == '#') continue;
        std::string_view rest = trimmed;
        if (rest.rfind("export", 0) == 0 && rest.size() > 6 && (rest[6] == ' ' || rest[6] == '\t'))
            rest = std::string_view(trimmed).substr(7);
        const std::size_t eq = rest.find('=');
        // The line's text is not quoted back: it may hold a secret.
        if (eq == std::string_view::npos) return fail("malformed line: expected KEY=VALUE");
        const std::string key = trim(rest.substr(0, eq));
        if (!valid_key(key)) return fail("malformed line: invalid variable name");
        auto value = parse_dotenv_value(rest.substr(eq + 1));
        if (!value) return fail("malformed line: " + value.error());
        values[key] = DotenvValue{std::move(*value), number};
    }
    return values;
}

std::string format_rate(double rate) {
    std::ostringstream out;
    out << rate;  // 0, 25, 2.5: no exponent or trailing zeros for the values people set
    return out.str();
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += ',';
        out += item;
    }
    return out;
}

}  // namespace

Expected<Settings, ConfigError> load_settings(
    const FlagValues& flags, const std::function<const char*(const char*)>& env_lookup,
    const std::string& env_file) {
    for (const auto& [name, value] : flags) {
        if (find_spec(name) == nullptr) return unexpected(ConfigError{"unknown setting " + name});
    }
    auto dotenv = read_dotenv(env_file);
    if (!dotenv) return unexpected(std::move(dotenv.error()));

    Settings settings;
    for (const auto& spec : specs) {
        std::string value = spec.default_value;
        std::string origin = "default";
        std::string described = "default";
        if (auto f = flags.find(spec.name); f != flags.end()) {
            value = f->second;
            origin = described = "flag";
        } else if (const char* env = env_lookup ? env_lookup(spec.name) : nullptr) {
            value = env;
            origin = "environment";
            described = "environment";
        } else if (auto d = dotenv->find(spec.name); d != dotenv->end()) {
            value = d->second.value;
            origin = ".env:" + std::to_string(d->second.line);
            described = env_file + ":" + std::to_string(d->second.line);
        }
        if (auto reason = spec.parse(settings, value)) {
            const std::string shown =
                is_secret_setting(spec.name) ? "***" : aws::printable(net::redact_url(value), 200);
            return unexpected(ConfigError{"invalid " + std::string(spec.name) + " \"" + shown +
                                          "\" (from " + described + "): " + *reason});
        }
        settings.origin[spec.name] = origin;
    }
    // The AWS CLI's fallback region is used when AWS_REGION is not set (engine::effective_region);
    // it becomes part of every endpoint host, so it is held to the same grammar.
    if (settings.origin["AWS_REGION"] == "default") {
        if (const char* r = env_lookup ? env_lookup("AWS_DEFAULT_REGION") : nullptr;
            r != nullptr && *r != '\0' && !aws::valid_region_name(r))
            return unexpected(ConfigError{"invalid AWS_DEFAULT_REGION \"" + aws::printable(r, 200) +
                                          "\" (from environment): expected an AWS region name (" +
                                          aws::region_forms_hint() + ")"});
    }
    if (auto aws_error = check_aws_environment(env_lookup))
        return unexpected(std::move(*aws_error));
    return settings;
}

bool is_secret_setting(const std::string& name) {
    return name == "AUDIT_API_TOKEN" || name == "SLACK_WEBHOOK_URL" || name == "DATABASE_URL" ||
           name == "AUDIT_ROLE_EXTERNAL_ID";
}

std::vector<SettingView> describe_settings(const Settings& s) {
    std::vector<SettingView> out;
    for (const auto& spec : specs) {
        const std::string name = spec.name;
        std::string value;
        if (name == "AWS_REGION")
            value = s.aws_region;
        else if (name == "MAPPING_BASE_URL")
            value = net::redact_url(s.mapping_base_url);
        else if (name == "MAPPING_FALLBACK")
            value = s.mapping_fallback;
        else if (name == "COLLECTOR_BASE_URL")
            value = net::redact_url(s.collector_base_url);
        else if (name == "CATALOG_DIR")
            value = s.catalog_dir;
        else if (name == "HOST")
            value = s.host;
        else if (name == "PORT")
            value = std::to_string(s.port);
        else if (name == "MAPPING_PORT")
            value = std::to_string(s.mapping_port);
        else if (name == "CORS_ALLOW_ORIGINS")
            value = join(s.cors_allow_origins);
        else if (name == "SESSION_TTL")
            value = std::to_string(s.session_ttl_s);
        else if (name == "LOG_LEVEL")
            value = s.log_level;
        else if (name == "AUDIT_API_TOKEN")
            value = s.audit_api_token;
        else if (name == "AUDIT_CONCURRENCY")
            value = std::to_string(s.audit_concurrency);
        else if (name == "AUDIT_MODE")
            value = s.audit_mode;
        else if (name == "AUDIT_AWS_RATE_LIMIT")
            value = format_rate(s.aws_rate_limit);
        else if (name == "AUDIT_REGIONS")
            value = join(s.audit_regions);
        else if (name == "SSO_PERMISSION_SET_MAX")
            value = std::to_string(s.sso_permission_set_max);
        else if (name == "SSO_ADMIN_ALLOWLIST")
            value = join(s.sso_admin_allowlist);
        else if (name == "RESULTS_DIR")
            value = s.results_dir;
        else if (name == "AUDIT_MUTELIST")
            value = s.audit_mutelist;
        else if (name == "DATA_DIR")
            value = s.data_dir;
        else if (name == "DATABASE_URL")
            value = s.database_url;
        else if (name == "RUNS_KEEP")
            value = s.runs_keep;
        else if (name == "FIX_ENABLED")
            value = s.fix_enabled ? "1" : "0";
        else if (name == "FIX_PLAN_TTL")
            value = std::to_string(s.fix_plan_ttl_s);
        else if (name == "SLACK_WEBHOOK_URL")
            value = s.slack_webhook_url;
        else if (name == "COLLECTOR_MAX_ROWS")
            value = std::to_string(s.collector_max_rows);
        else if (name == "MAPPING_MAX_REQUIREMENTS")
            value = std::to_string(s.mapping_max_requirements);
        else if (name == "SIBLING_MAX_RESPONSE_BYTES")
            value = std::to_string(s.sibling_max_response_bytes);
        else if (name == "AUDIT_MAX_RUNS")
            value = std::to_string(s.audit_max_runs);
        else if (name == "AUDIT_RETRY_AFTER")
            value = std::to_string(s.audit_retry_after_s);
        else if (name == "SERVER_WORKER_THREADS")
            value = std::to_string(s.server_worker_threads);
        else if (name == "MAX_CONNECTIONS_PER_CLIENT")
            value = std::to_string(s.max_connections_per_client);
        else if (name == "AUDIT_ROLE_NAME")
            value = s.audit_role_name;
        else if (name == "AUDIT_ROLE_EXTERNAL_ID")
            value = s.audit_role_external_id;
        else if (name == "AUDIT_ROLE_SESSION_NAME")
            value = s.audit_role_session_name;
        else if (name == "AUDIT_ACCOUNTS_PARALLEL")
            value = std::to_string(s.audit_accounts_parallel);
        else if (name == "AUDIT_MAX_ACCOUNTS")
            value = std::to_string(s.audit_max_accounts);
        else if (name == "WORKER_LEASE_SECONDS")
            value = std::to_string(s.worker_lease_s);
        else if (name == "AUDIT_QUEUE_LOCAL")
            value = std::to_string(s.audit_queue_local);
        if (is_secret_setting(name) && !value.empty()) value = "***";
        const auto o = s.origin.find(name);
        out.push_back(SettingView{name, std::move(value),
                                  o == s.origin.end() ? std::string("default") : o->second,
                                  spec.help});
    }
    return out;
}

}  // namespace dspm::app
