#include "aws/credentials.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <pugixml.hpp>
#include <sstream>
#include <thread>
#include <utility>

#include "aws/endpoints.hpp"
#include "aws/retry.hpp"
#include "aws/sigv4.hpp"
#include "aws/sso.hpp"
#include "common/log.hpp"
#include "common/spawn.hpp"
#include "exec/loop.hpp"

extern char** environ;  // the child of credential_process inherits it, as in botocore

namespace dspm::aws {
namespace {

using Clock = std::chrono::system_clock;
using Profile = std::map<std::string, std::string>;
using Result = Expected<Credentials, AwsError>;
// A source of the chain answers nullopt when it does not apply (nothing configured for it), so
// the chain goes on; a source that applies and fails ends the chain with its error, as in botocore.
using Maybe = std::optional<Result>;

// A request signed now must still reach AWS before the credentials expire.
constexpr std::chrono::seconds min_validity{5};

std::string env_str(const EnvLookup& env, const char* name) {
    const char* v = env ? env(name) : nullptr;
    return v ? std::string(v) : std::string();
}

// The whitespace Python's str.strip() (and so configparser, botocore) removes.
constexpr const char* kSpace = " \t\r\n\v\f";

std::string trim(std::string_view s) {
    const auto b = s.find_first_not_of(kSpace);
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(kSpace);
    return std::string(s.substr(b, e - b + 1));
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::optional<std::string> read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string expand_home(const std::string& path, const EnvLookup& env) {
    if (path == "~") return env_str(env, "HOME");
    if (path.starts_with("~/")) return env_str(env, "HOME") + path.substr(1);
    return path;
}

AwsError make_error(ErrorKind kind, std::string message) {
    AwsError e;
    e.kind = kind;
    e.message = std::move(message);
    return e;
}

const std::string* find(const Profile& p, const char* key) {
    auto it = p.find(key);
    return it == p.end() ? nullptr : &it->second;
}

std::string value_or_empty(const Profile& p, const char* key) {
    const auto* v = find(p, key);
    return v ? *v : std::string();
}

// The {AccessKeyId, SecretAccessKey, Token|SessionToken, Expiration} JSON of IMDS, ECS and
// credential_process.
Result credentials_from_json(const boost::json::object& o, std::string source) {
    auto str = [&](const char* k) -> std::string {
        const auto* f = o.if_contains(k);
        return f && f->is_string() ? std::string(f->as_string()) : std::string();
    };
    Credentials c;
    c.access_key_id = str("AccessKeyId");
    c.secret_access_key = str("SecretAccessKey");
    c.session_token = str("Token");
    if (c.session_token.empty()) c.session_token = str("SessionToken");
    c.source = std::move(source);
    if (c.access_key_id.empty() || c.secret_access_key.empty())
        return unexpected(make_error(ErrorKind::malformed,
                                     c.source + ": answer lacks AccessKeyId/SecretAccessKey"));
    if (const auto exp = str("Expiration"); !exp.empty()) {
        c.expiration = parse_iso8601(exp);
        // An unreadable expiry must not turn temporary credentials into "never expire".
        if (!c.expiration)
            return unexpected(make_error(ErrorKind::malformed,
                                         c.source + ": Expiration is not an ISO-8601 time"));
    }
    return c;
}

Result credentials_from_json(std::string_view text, std::string source) {
    boost::system::error_code ec;
    const auto v = boost::json::parse(text, ec);
    if (ec || !v.is_object())
        return unexpected(
            make_error(ErrorKind::malformed, source + ": answer is not a JSON object"));
    return credentials_from_json(v.as_object(), std::move(source));
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& params) {
    std::string out;
    for (const auto& [k, v] : params) {
        if (!out.empty()) out += '&';
        out += uri_encode(k, true) + "=" + uri_encode(v, true);
    }
    return out;
}

ErrorKind sts_error_kind(const std::string& code) {
    if (code == "AccessDenied" || code == "AccessDeniedException")
        return ErrorKind::permission_denied;
    if (code == "InvalidClientTokenId" || code == "ExpiredToken" ||
        code == "SignatureDoesNotMatch" || code == "InvalidIdentityToken" ||
        code == "ExpiredTokenException" || code == "IDPRejectedClaim")
        return ErrorKind::invalid_credentials;
    if (is_throttling_code(code)) return ErrorKind::throttled;
    if (code == "MalformedPolicyDocument" || code == "PackedPolicyTooLarge" ||
        code == "ValidationError" || code.starts_with("Invalid"))
        return ErrorKind::invalid_request;
    return ErrorKind::service;
}

std::string sts_error_code(const net::HttpResponse& r) {
    pugi::xml_document doc;
    doc.load_string(r.body.c_str());
    const auto err = doc.select_node("//Error");
    return err ? err.node().child_value("Code") : "";
}

// STS AssumeRole / AssumeRoleWithWebIdentity as a small query-protocol call of its own: the
// credentials chain must not depend on the client that depends on it.
Result call_sts(const CredentialsOptions& opt, const std::string& action,
                const std::string& role_arn,
                std::vector<std::pair<std::string, std::string>> params,
                const Credentials* signer) {
    auto fail = [&](ErrorKind kind, std::string message, std::string code = {}, int status = 0,
                    int attempts = 0) {
        AwsError e = make_error(kind, std::move(message));
        e.service = "sts";
        e.operation = action;
        e.code = std::move(code);
        e.http_status = status;
        e.attempts = attempts;
        e.region = opt.region;
        // The missing permission of a denied assume role is the STS action on the role, not the
        // action of whatever call needed the credentials.
        if (kind == ErrorKind::permission_denied) e.iam_action = "sts:" + action;
        return unexpected(std::move(e));
    };
    const std::string what = "STS " + action + " of role " + role_arn;
    if (!opt.http) return fail(ErrorKind::network, what + ": no HTTP client");
    params.insert(params.begin(), {{"Action", action}, {"Version", "2011-06-15"}});
    EndpointQuery q{"sts", "sts", "sts", opt.region.empty() ? "us-east-1" : opt.region, "", ""};
    auto resolved = resolve_endpoint(q, opt.env);
    if (!resolved) return fail(ErrorKind::invalid_request, what + ": " + resolved.error());
    const Endpoint& ep = *resolved;
    net::HttpRequest req;
    req.method = "POST";
    req.url = ep.base_url + "/";
    req.body = form_encode(params);
    req.headers = {{"Host", ep.host},
                   {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    if (signer != nullptr) {
        SigningRequest sr{"POST", "/", {}, req.headers, req.body};
        SigningParams sp;
        sp.region = ep.signing_region;
        sp.service = "sts";
        sp.time = Clock::now();  // the signature's time is wall time, never the test clock
        req.headers = sign(sr, *signer, sp).headers;
    }
    int attempts = 0;
    auto resp = send_with_retries(opt, req, sts_error_code, &attempts);
    if (!resp) {
        return fail(resp.error().kind == net::TransportErrorKind::timeout ? ErrorKind::timeout
                                                                          : ErrorKind::network,
                    what + ": " + resp.error().message, {}, 0, attempts);
    }
    pugi::xml_document doc;
    doc.load_string(resp->body.c_str());
    if (resp->status != 200) {
        const auto err = doc.select_node("//Error");
        const std::string code = err ? err.node().child_value("Code") : "";
        const std::string message = err ? err.node().child_value("Message") : "";
        const ErrorKind kind =
            code.empty() && resp->status >= 500 ? ErrorKind::service : sts_error_kind(code);
        std::string text = kind == ErrorKind::permission_denied
                               ? "not authorized to perform sts:" + action + " on role " + role_arn
                               : what + " failed";
        text += ": " + (code.empty() ? "HTTP " + std::to_string(resp->status) : code);
        if (!message.empty()) text += ": " + message;
        return fail(kind, std::move(text), code, resp->status, attempts);
    }
    const auto node = doc.select_node("//Credentials").node();
    Credentials c;
    c.access_key_id = node.child_value("AccessKeyId");
    c.secret_access_key = node.child_value("SecretAccessKey");
    c.session_token = node.child_value("SessionToken");
    c.expiration = parse_iso8601(node.child_value("Expiration"));
    if (c.access_key_id.empty() || c.secret_access_key.empty())
        return fail(ErrorKind::malformed, what + ": no credentials in answer", {}, resp->status,
                    attempts);
    if (!c.expiration)
        return fail(ErrorKind::malformed, what + ": Expiration is not an ISO-8601 time", {},
                    resp->status, attempts);
    return c;
}

std::string session_name(const std::string& configured) {
    if (!configured.empty()) return configured;
    return "dspm-audit-" + std::to_string(std::time(nullptr));
}

// botocore's ContainerMetadataFetcher: any https host, but plain http only to a loopback address
// or the ECS / EKS Pod Identity agents, so that a variable pointing elsewhere cannot send the
// container's authorization token (or fetch "credentials") over the network. Stricter than
// botocore in one way: user information in the URL is refused (curl would send it as a password).
std::optional<std::string> container_url_refusal(const std::string& url) {
    const std::string why =
        "AWS_CONTAINER_CREDENTIALS_FULL_URI must be an https URL, or an http URL "
        "of a loopback address, localhost, 169.254.170.2, 169.254.170.23 or "
        "[fd00:ec2::23]";
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed) return why + " (it is not a URL)";
    const boost::urls::url_view& u = *parsed;
    const std::string scheme = lower(u.scheme());
    if (scheme != "http" && scheme != "https") return why + " (scheme " + scheme + ")";
    if (u.has_userinfo()) return why + " (without user information)";
    if (u.host_type() == boost::urls::host_type::none || u.encoded_host().empty())
        return why + " (it has no host)";
    if (scheme == "https") return std::nullopt;
    switch (u.host_type()) {
        case boost::urls::host_type::ipv4: {
            const auto a = u.host_ipv4_address();
            if (a.is_loopback()) return std::nullopt;
            const auto b = a.to_bytes();
            if (b[0] == 169 && b[1] == 254 && b[2] == 170 && (b[3] == 2 || b[3] == 23))
                return std::nullopt;
            break;
        }
        case boost::urls::host_type::ipv6: {
            const auto a = u.host_ipv6_address();
            if (a.is_loopback()) return std::nullopt;
            if (auto eks = boost::urls::parse_ipv6_address("fd00:ec2::23"); eks && a == *eks)
                return std::nullopt;
            break;
        }
        case boost::urls::host_type::name:
            if (lower(u.encoded_host()) == "localhost") return std::nullopt;
            break;
        default:
            break;
    }
    return why + " (host " + std::string(u.encoded_host()) + " is not allowed over http)";
}

Maybe from_container(const CredentialsOptions& opt) {
    const auto rel = env_str(opt.env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const auto full = env_str(opt.env, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
    if (rel.empty() && full.empty()) return std::nullopt;
    net::HttpRequest req;
    if (!rel.empty()) {
        // Appended to the ECS agent's address: anything but a path could change the host.
        if (rel.front() != '/')
            return unexpected(
                make_error(ErrorKind::invalid_request,
                           "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must start with /"));
        req.url = "http://169.254.170.2" + rel;
    } else {
        if (auto refusal = container_url_refusal(full))
            return unexpected(make_error(ErrorKind::invalid_request, *refusal));
        req.url = full;
    }
    std::string token;
    const char* token_var = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
    if (const auto file = env_str(opt.env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
        !file.empty()) {
        token_var = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
        auto t = read_text(file);
        if (!t)
            return unexpected(make_error(
                ErrorKind::no_credentials,
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + file + " could not be read"));
        token = trim(*t);
    } else {
        token = env_str(opt.env, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
    }
    if (token.find_first_of("\r\n") != std::string::npos)
        return unexpected(make_error(ErrorKind::invalid_request,
                                     std::string(token_var) + " is not a legal header value"));
    if (!token.empty()) req.headers.emplace_back("Authorization", token);
    req.headers.emplace_back("Accept", "application/json");
    req.connect_timeout = opt.imds_timeout;
    req.total_timeout = opt.imds_timeout * 2;
    if (!opt.http) return unexpected(make_error(ErrorKind::network, "no HTTP client"));
    auto resp = opt.http->send(req);
    if (!resp || resp->status != 200)
        return unexpected(make_error(
            ErrorKind::network, "container credentials endpoint " + req.url + " did not answer" +
                                    (resp ? " (HTTP " + std::to_string(resp->status) + ")"
                                          : " (" + resp.error().message + ")")));
    return credentials_from_json(resp->body, "container-role");
}

Result from_imds(const CredentialsOptions& opt) {
    std::string base = env_str(opt.env, "AWS_EC2_METADATA_SERVICE_ENDPOINT");
    if (base.empty()) base = "http://169.254.169.254";
    while (!base.empty() && base.back() == '/')
        base.pop_back();
    if (!opt.http) return unexpected(make_error(ErrorKind::network, "no HTTP client"));
    auto fail = [&](const std::string& why) {
        return unexpected(
            make_error(ErrorKind::network, "EC2 instance metadata " + base + ": " + why));
    };
    net::HttpRequest put;
    put.method = "PUT";
    put.url = base + "/latest/api/token";
    put.headers = {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}};
    put.connect_timeout = opt.imds_timeout;
    put.total_timeout = opt.imds_timeout;
    auto tok = opt.http->send(put);
    if (!tok) return fail(tok.error().message);
    std::string token;
    if (tok->status == 200) {
        token = trim(tok->body);
    } else if (tok->status == 403) {
        return fail("IMDS token request forbidden");
    }  // other statuses: an IMDSv1-only service, go on without a token
    auto get = [&](const std::string& path) -> Expected<std::string, AwsError> {
        net::HttpRequest r;
        r.url = base + path;
        if (!token.empty()) r.headers.emplace_back("X-aws-ec2-metadata-token", token);
        r.connect_timeout = opt.imds_timeout;
        r.total_timeout = opt.imds_timeout;
        auto resp = opt.http->send(r);
        if (!resp) return fail(resp.error().message);
        if (resp->status != 200)
            return fail("HTTP " + std::to_string(resp->status) + " for " + path);
        return resp->body;
    };
    auto role = get("/latest/meta-data/iam/security-credentials/");
    if (!role) return unexpected(role.error());
    const std::string name = trim(role->substr(0, role->find('\n')));
    if (name.empty()) return fail("no instance role");
    auto creds = get("/latest/meta-data/iam/security-credentials/" + name);
    if (!creds) return unexpected(creds.error());
    return credentials_from_json(*creds, "iam-role");
}

// ---- credential_process ---------------------------------------------------------------------

class UniqueFd {
  public:
    explicit UniqueFd(int fd = -1) : fd_(fd) {}
    ~UniqueFd() { reset(); }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    int get() const { return fd_; }
    void reset() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

  private:
    int fd_;
};

// Kills (the whole process group: a script's own children hold the pipe too) and reaps the child
// unless it was reaped already.
class ChildGuard {
  public:
    explicit ChildGuard(pid_t pid) : pid_(pid) {}
    ~ChildGuard() {
        if (pid_ <= 0) return;
        ::kill(-pid_, SIGKILL);
        ::kill(pid_, SIGKILL);
        while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
        }
    }
    ChildGuard(const ChildGuard&) = delete;
    ChildGuard& operator=(const ChildGuard&) = delete;
    void reaped() { pid_ = -1; }

  private:
    pid_t pid_;
};

// Runs the command without a shell (argv split as botocore does) and returns its stdout. Its
// stderr is inherited: the tool's own diagnostics reach the operator without passing through
// this program's messages or logs (they might quote secrets).
Expected<std::string, AwsError> run_credential_process(const std::string& command,
                                                       const CredentialsOptions& opt) {
    auto argv = split_command_line(command);
    if (!argv)
        return unexpected(
            make_error(ErrorKind::invalid_request, "credential_process: " + argv.error()));
    if (argv->empty())
        return unexpected(make_error(ErrorKind::invalid_request, "credential_process is empty"));
    // Only the program is named in messages: arguments may carry secrets.
    const std::string program = "credential_process '" + argv->front() + "'";
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        return unexpected(
            make_error(ErrorKind::no_credentials, program + ": pipe: " + std::strerror(errno)));
    UniqueFd read_end(fds[0]), write_end(fds[1]);

    SpawnActions actions;
    ::posix_spawn_file_actions_adddup2(actions.get(), write_end.get(), STDOUT_FILENO);
    SpawnAttributes attrs;
    sigset_t none;
    sigemptyset(&none);
    ::posix_spawnattr_setsigmask(attrs.get(), &none);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);  // a server ignores SIGPIPE; the tool should not inherit that
    ::posix_spawnattr_setsigdefault(attrs.get(), &defaults);
    ::posix_spawnattr_setpgroup(attrs.get(), 0);
    ::posix_spawnattr_setflags(
        attrs.get(), POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
    std::vector<char*> args;
    for (auto& a : *argv)
        args.push_back(a.data());
    args.push_back(nullptr);
    pid_t pid = -1;
    if (const int rc =
            ::posix_spawnp(&pid, args[0], actions.get(), attrs.get(), args.data(), environ);
        rc != 0)
        return unexpected(make_error(ErrorKind::no_credentials,
                                     program + " could not be started: " + std::strerror(rc)));
    ChildGuard guard(pid);
    write_end.reset();

    const auto deadline = std::chrono::steady_clock::now() + opt.process_timeout;
    auto timed_out = [&] {
        return unexpected(
            make_error(ErrorKind::timeout, program + " did not finish within " +
                                               std::to_string(opt.process_timeout.count()) +
                                               " ms and was killed"));
    };
    std::string out;
    char buf[4096];
    while (true) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return timed_out();
        pollfd p{read_end.get(), POLLIN, 0};
        const int pr = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
        if (pr < 0 && errno != EINTR)
            return unexpected(
                make_error(ErrorKind::no_credentials, program + ": poll: " + std::strerror(errno)));
        if (pr <= 0) continue;
        const auto n = ::read(read_end.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return unexpected(
                make_error(ErrorKind::no_credentials, program + ": read: " + std::strerror(errno)));
        }
        if (n == 0) break;
        out.append(buf, static_cast<std::size_t>(n));
        if (out.size() > opt.process_max_output)
            return unexpected(
                make_error(ErrorKind::malformed, program + " wrote more than " +
                                                     std::to_string(opt.process_max_output) +
                                                     " bytes and was killed"));
    }
    int status = 0;
    while (true) {
        const pid_t w = ::waitpid(pid, &status, WNOHANG);
        if (w == pid) break;
        if (w < 0 && errno != EINTR)
            return unexpected(make_error(ErrorKind::no_credentials,
                                         program + ": waitpid: " + std::strerror(errno)));
        if (std::chrono::steady_clock::now() >= deadline) return timed_out();
        exec::sleep_for(std::chrono::milliseconds(5));
    }
    guard.reaped();
    if (WIFSIGNALED(status))
        return unexpected(
            make_error(ErrorKind::no_credentials,
                       program + " was killed by signal " + std::to_string(WTERMSIG(status))));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return unexpected(
            make_error(ErrorKind::no_credentials,
                       program + " exited with status " + std::to_string(WEXITSTATUS(status))));
    return out;
}

Result from_process(const std::string& command, const CredentialsOptions& opt) {
    auto out = run_credential_process(command, opt);
    if (!out) return unexpected(out.error());
    boost::system::error_code ec;
    const auto v = boost::json::parse(*out, ec);
    if (ec || !v.is_object())
        return unexpected(
            make_error(ErrorKind::malformed, "credential_process: output is not a JSON object"));
    const auto& o = v.as_object();
    const auto* version = o.if_contains("Version");
    if (version == nullptr || !version->is_number() || version->to_number<double>() != 1.0)
        return unexpected(make_error(ErrorKind::malformed,
                                     "credential_process: unsupported Version (supported: 1)"));
    return credentials_from_json(o, "custom-process");
}

// ---- shared files ---------------------------------------------------------------------------

// Sections in file order (a repeated section merged into its first place): the config file's
// profile map depends on the order, as botocore's does.
std::vector<std::pair<std::string, Profile>> parse_ini_sections(const std::string& text) {
    std::vector<std::pair<std::string, Profile>> out;
    Profile* section = nullptr;
    std::string last_key;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const std::string t = trim(line);
        if (t.empty() || t[0] == '#' || t[0] == ';') continue;
        if (t.front() == '[' && t.back() == ']') {
            const std::string name = trim(std::string_view(t).substr(1, t.size() - 2));
            section = nullptr;
            for (auto& [n, values] : out)
                if (n == name) section = &values;
            if (section == nullptr) section = &out.emplace_back(name, Profile{}).second;
            last_key.clear();
            continue;
        }
        const bool indented = line[0] == ' ' || line[0] == '\t';
        if (indented && !last_key.empty()) continue;  // nested values (s3 = ...) and their keys
        const auto eq = t.find_first_of("=:");
        if (eq == std::string::npos || section == nullptr) continue;
        last_key = lower(trim(std::string_view(t).substr(0, eq)));
        (*section)[last_key] = trim(std::string_view(t).substr(eq + 1));
    }
    return out;
}

struct SharedConfig {
    std::string creds_path, config_path;
    IniFile credentials;                      // the credentials file, section = profile name
    std::map<std::string, Profile> config;    // the config file's profiles
    std::map<std::string, Profile> sessions;  // [sso-session NAME]
    std::map<std::string, Profile> full;      // config profiles with the credentials file on top

    const Profile* profile(const std::string& name) const {
        auto it = full.find(name);
        return it == full.end() ? nullptr : &it->second;
    }
};

// "[profile NAME]" (also "[profile default]") and "[default]"; a later section of the same
// profile replaces an earlier one, as in botocore's build_profile_map.
void load_config_sections(const std::string& text, SharedConfig& out) {
    for (auto& [name, values] : parse_ini_sections(text)) {
        if (name == "default") {
            out.config[name] = values;
            continue;
        }
        const bool is_profile = name.starts_with("profile");
        if (!is_profile && !name.starts_with("sso-session")) continue;
        auto parts = split_command_line(name);
        if (!parts || parts->size() != 2) continue;
        (is_profile ? out.config : out.sessions)[(*parts)[1]] = values;
    }
}

bool has_static_keys(const Profile& p) {
    return find(p, "aws_access_key_id") || find(p, "aws_secret_access_key");
}

// botocore's AssumeRoleProvider takes a profile with role_arn, unless it is a web identity one.
bool has_assume_role(const Profile& p) {
    return find(p, "role_arn") && !find(p, "web_identity_token_file");
}

struct Chain {
    const CredentialsOptions& opt;
    const SharedConfig& cfg;
    std::vector<std::string> searched;

    Maybe env_keys() const {
        Credentials c;
        c.access_key_id = env_str(opt.env, "AWS_ACCESS_KEY_ID");
        if (c.access_key_id.empty()) return std::nullopt;
        c.secret_access_key = env_str(opt.env, "AWS_SECRET_ACCESS_KEY");
        if (c.secret_access_key.empty())
            return unexpected(make_error(
                ErrorKind::no_credentials,
                "partial credentials in the environment: AWS_SECRET_ACCESS_KEY is missing"));
        c.session_token = env_str(opt.env, "AWS_SESSION_TOKEN");
        if (c.session_token.empty()) c.session_token = env_str(opt.env, "AWS_SECURITY_TOKEN");
        c.source = "environment";
        return c;
    }

    bool imds_disabled() const {
        return lower(env_str(opt.env, "AWS_EC2_METADATA_DISABLED")) == "true";
    }

    Maybe imds() {
        if (imds_disabled()) {
            searched.push_back("EC2 instance metadata (disabled by AWS_EC2_METADATA_DISABLED)");
            return std::nullopt;
        }
        searched.push_back("EC2 instance metadata");
        auto c = from_imds(opt);
        if (c) return c;
        // Not on EC2 (or no role): the chain ends without credentials, as in botocore.
        searched.back() = c.error().message;  // "EC2 instance metadata URL: why"
        return std::nullopt;
    }

    // Static keys of one section: (access key, secret) both or an error; the token is optional.
    static Maybe keys_of(const Profile& p, const std::string& what, std::string source) {
        const auto* key = find(p, "aws_access_key_id");
        if (!key) return std::nullopt;
        const auto* secret = find(p, "aws_secret_access_key");
        if (!secret)
            return unexpected(make_error(
                ErrorKind::no_credentials,
                "partial credentials in " + what + ": aws_secret_access_key is missing"));
        Credentials c;
        c.access_key_id = *key;
        c.secret_access_key = *secret;
        if (const auto* t = find(p, "aws_security_token")) c.session_token = *t;
        if (const auto* t = find(p, "aws_session_token")) c.session_token = *t;
        c.source = std::move(source);
        return c;
    }

    Maybe shared_credentials_file(const std::string& name) const {
        auto it = cfg.credentials.find(name);
        if (it == cfg.credentials.end()) return std::nullopt;
        return keys_of(it->second, cfg.creds_path + " [" + name + "]", "shared-credentials-file");
    }

    Maybe config_file(const std::string& name) const {
        auto it = cfg.config.find(name);
        if (it == cfg.config.end()) return std::nullopt;
        return keys_of(it->second, cfg.config_path + " (profile " + name + ")", "config-file");
    }

    Maybe process(const std::string& name) const {
        const Profile* p = cfg.profile(name);
        const auto* command = p ? find(*p, "credential_process") : nullptr;
        if (!command || command->empty()) return std::nullopt;
        return from_process(*command, opt);
    }

    Result web_identity_call(const std::string& token_file, const std::string& role_arn,
                             const std::string& session) const {
        const auto token = read_text(token_file);
        if (!token) {
            AwsError e = make_error(ErrorKind::no_credentials,
                                    "web identity token file " + token_file + " unreadable");
            e.service = "sts";
            e.operation = "AssumeRoleWithWebIdentity";
            return unexpected(std::move(e));
        }
        auto c = call_sts(opt, "AssumeRoleWithWebIdentity", role_arn,
                          {{"RoleArn", role_arn},
                           {"RoleSessionName", session_name(session)},
                           {"WebIdentityToken", trim(*token)}},
                          nullptr);
        if (c) c->source = "assume-role-with-web-identity";
        return c;
    }

    // Each setting from the environment first (unless env_vars is false: a source profile), then
    // from the profile, as botocore's AssumeRoleWithWebIdentityProvider reads them.
    Maybe web_identity(const std::string& name, bool env_vars) const {
        const Profile* p = cfg.profile(name);
        auto setting = [&](const char* key, const char* var) -> std::string {
            if (env_vars) {
                if (auto v = env_str(opt.env, var); !v.empty()) return v;
            }
            return p ? value_or_empty(*p, key) : std::string();
        };
        const std::string token_file =
            setting("web_identity_token_file", "AWS_WEB_IDENTITY_TOKEN_FILE");
        if (token_file.empty()) return std::nullopt;
        const std::string role_arn = setting("role_arn", "AWS_ROLE_ARN");
        if (role_arn.empty())
            return unexpected(make_error(
                ErrorKind::no_credentials,
                "web identity is configured (a token file) but no role ARN: set role_arn in "
                "profile '" +
                    name + "' or AWS_ROLE_ARN"));
        return web_identity_call(expand_home(token_file, opt.env), role_arn,
                                 setting("role_session_name", "AWS_ROLE_SESSION_NAME"));
    }

    Maybe sso(const std::string& name) const {
        const Profile* p = cfg.profile(name);
        if (!p || (!find(*p, "sso_role_name") && !find(*p, "sso_account_id"))) return std::nullopt;
        Profile merged = *p;
        std::vector<const char*> required{"sso_role_name", "sso_account_id", "sso_start_url",
                                          "sso_region"};
        if (const auto* session = find(*p, "sso_session")) {
            auto it = cfg.sessions.find(*session);
            if (it == cfg.sessions.end())
                return unexpected(make_error(ErrorKind::no_credentials,
                                             "profile '" + name + "': sso-session '" + *session +
                                                 "' does not exist in " + cfg.config_path));
            for (const auto& [k, v] : it->second) {
                if (auto own = merged.find(k); own != merged.end() && own->second != v)
                    return unexpected(make_error(
                        ErrorKind::no_credentials,
                        "profile '" + name + "': " + k +
                            " differs between the profile and sso-session '" + *session + "'"));
                merged[k] = v;
            }
            required.push_back("sso_session");
        }
        std::string missing;
        for (const char* k : required)
            if (!find(merged, k)) missing += (missing.empty() ? "" : ", ") + std::string(k);
        if (!missing.empty())
            return unexpected(make_error(ErrorKind::no_credentials,
                                         "profile '" + name +
                                             "' is configured for IAM Identity Center (SSO) but "
                                             "lacks " +
                                             missing));
        SsoProfile s;
        s.profile_name = name;
        s.start_url = merged["sso_start_url"];
        s.region = merged["sso_region"];
        s.account_id = merged["sso_account_id"];
        s.role_name = merged["sso_role_name"];
        s.session_name = value_or_empty(merged, "sso_session");
        return sso_credentials(s, opt);
    }

    // botocore's ProfileProviderBuilder order, for the selected profile and for source profiles.
    Maybe profile_sources(const std::string& name, bool env_vars) const {
        if (auto r = web_identity(name, env_vars)) return r;
        if (auto r = sso(name)) return r;
        if (auto r = shared_credentials_file(name)) return r;
        if (auto r = process(name)) return r;
        return config_file(name);
    }

    Result from_credential_source(const std::string& source, const std::string& name) {
        Maybe r;
        if (source == "Environment") {
            r = env_keys();
        } else if (source == "EcsContainer") {
            r = from_container(opt);
        } else if (source == "Ec2InstanceMetadata") {
            r = imds_disabled() ? Maybe{} : Maybe{from_imds(opt)};
        } else {
            return unexpected(make_error(ErrorKind::no_credentials,
                                         "profile '" + name + "': credential_source '" + source +
                                             "' is not valid (Environment, EcsContainer, "
                                             "Ec2InstanceMetadata)"));
        }
        if (!r)
            return unexpected(
                make_error(ErrorKind::no_credentials, "no credentials found in credential_source " +
                                                          source + " of profile '" + name + "'"));
        return std::move(*r);
    }

    Result assume_role(const std::string& name, std::vector<std::string>& visited) {
        const Profile& p = *cfg.profile(name);
        const std::string role_arn = value_or_empty(p, "role_arn");
        const auto* source_profile = find(p, "source_profile");
        const auto* credential_source = find(p, "credential_source");
        if (source_profile && credential_source)
            return unexpected(
                make_error(ErrorKind::no_credentials,
                           "profile '" + name + "' has both source_profile and credential_source"));
        if (!source_profile && !credential_source)
            return unexpected(make_error(ErrorKind::no_credentials,
                                         "profile '" + name +
                                             "' has role_arn but neither source_profile nor "
                                             "credential_source"));
        Result source = unexpected(AwsError{});
        if (credential_source) {
            source = from_credential_source(*credential_source, name);
        } else {
            const std::string& src = *source_profile;
            const Profile* sp = cfg.profile(src);
            if (!sp)
                return unexpected(make_error(
                    ErrorKind::no_credentials,
                    "source_profile '" + src + "' of profile '" + name + "' does not exist"));
            // A profile may name itself to take static keys and the role from one section;
            // any other repeat is a loop.
            const bool seen = std::find(visited.begin(), visited.end(), src) != visited.end();
            if (seen && (src != name || !has_static_keys(*sp))) {
                std::string chain;
                for (const auto& v : visited)
                    chain += v + " -> ";
                return unexpected(
                    make_error(ErrorKind::no_credentials, "source_profile loop: " + chain + src));
            }
            visited.push_back(src);
            if (has_static_keys(*sp) || !has_assume_role(*sp)) {
                auto r = profile_sources(src, false);
                if (!r)
                    return unexpected(
                        make_error(ErrorKind::no_credentials,
                                   "source_profile '" + src + "' has no credentials"));
                source = std::move(*r);
            } else {
                source = assume_role(src, visited);
            }
        }
        if (!source) return source;
        std::vector<std::pair<std::string, std::string>> params{
            {"RoleArn", role_arn},
            {"RoleSessionName", session_name(value_or_empty(p, "role_session_name"))}};
        if (const auto* ext = find(p, "external_id")) params.emplace_back("ExternalId", *ext);
        if (const auto* d = find(p, "duration_seconds")) params.emplace_back("DurationSeconds", *d);
        auto c = call_sts(opt, "AssumeRole", role_arn, params, &*source);
        if (c) c->source = "assume-role";
        return c;
    }

    Result resolve() {
        // botocore's create_credential_resolver: env, assume role, the profile's sources (web
        // identity, SSO, credentials file, process, config file), container, instance metadata.
        searched.push_back("environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)");
        if (auto r = env_keys()) return std::move(*r);

        std::string name = env_str(opt.env, "AWS_PROFILE");
        if (name.empty()) name = env_str(opt.env, "AWS_DEFAULT_PROFILE");
        const bool explicit_profile = !name.empty();
        if (name.empty()) name = "default";
        if (explicit_profile && name != "default" && !cfg.profile(name))
            return unexpected(make_error(ErrorKind::no_credentials, "the config profile '" + name +
                                                                        "' could not be found in " +
                                                                        cfg.creds_path + " or " +
                                                                        cfg.config_path));
        const std::string in_profile = " (profile '" + name + "')";

        searched.push_back("assume role (role_arn with source_profile or credential_source)" +
                           in_profile);
        if (const Profile* p = cfg.profile(name); p && has_assume_role(*p)) {
            std::vector<std::string> visited{name};
            return assume_role(name, visited);
        }
        searched.push_back("web identity (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN)");
        if (auto r = web_identity(name, true)) return std::move(*r);
        searched.push_back("IAM Identity Center (sso_account_id, sso_role_name)" + in_profile);
        if (auto r = sso(name)) return std::move(*r);
        searched.push_back("shared credentials file " + cfg.creds_path + in_profile);
        if (auto r = shared_credentials_file(name)) return std::move(*r);
        searched.push_back("credential_process" + in_profile);
        if (auto r = process(name)) return std::move(*r);
        searched.push_back("config file " + cfg.config_path + in_profile);
        if (auto r = config_file(name)) return std::move(*r);

        searched.push_back(
            "container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI)");
        if (auto r = from_container(opt)) return std::move(*r);
        if (auto r = imds()) return std::move(*r);

        std::string msg = "no AWS credentials found; searched: ";
        for (std::size_t i = 0; i < searched.size(); ++i)
            msg += (i ? "; " : "") + searched[i];
        return unexpected(make_error(ErrorKind::no_credentials, msg));
    }
};

}  // namespace

EnvLookup process_env() {
    return [](const char* name) { return std::getenv(name); };
}

IniFile parse_ini(const std::string& text) {
    IniFile out;
    for (auto& [name, values] : parse_ini_sections(text))
        out[name] = std::move(values);
    return out;
}

std::optional<Clock::time_point> parse_iso8601(std::string_view text) {
    const std::string s = trim(text);
    std::size_t i = 0;
    auto number = [&](std::size_t width, int& out) {
        if (i + width > s.size()) return false;
        int v = 0;
        for (std::size_t k = 0; k < width; ++k) {
            const char c = s[i + k];
            if (c < '0' || c > '9') return false;
            v = v * 10 + (c - '0');
        }
        i += width;
        out = v;
        return true;
    };
    auto literal = [&](char c) {
        if (i < s.size() && s[i] == c) {
            ++i;
            return true;
        }
        return false;
    };
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!number(4, year) || !literal('-') || !number(2, month) || !literal('-') || !number(2, day))
        return std::nullopt;
    if (!literal('T') && !literal('t') && !literal(' ')) return std::nullopt;
    if (!number(2, hour) || !literal(':') || !number(2, minute)) return std::nullopt;
    if (literal(':') && !number(2, second)) return std::nullopt;
    std::chrono::nanoseconds fraction{0};
    if (literal('.') || literal(',')) {
        long long ns = 0;
        int digits = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            if (digits < 9) {
                ns = ns * 10 + (s[i] - '0');
                ++digits;
            }
            ++i;
        }
        if (digits == 0) return std::nullopt;
        for (; digits < 9; ++digits)
            ns *= 10;
        fraction = std::chrono::nanoseconds(ns);
    }
    std::chrono::minutes offset{0};
    const std::string zone = s.substr(i);
    if (zone.empty() || zone == "Z" || zone == "z" || zone == "UTC" || zone == "GMT") {
        // UTC
    } else if (zone[0] == '+' || zone[0] == '-') {
        ++i;
        int oh = 0, om = 0;
        if (!number(2, oh)) return std::nullopt;
        if (literal(':')) {
            if (!number(2, om)) return std::nullopt;
        } else if (i < s.size() && !number(2, om)) {
            return std::nullopt;
        }
        if (i != s.size() || oh > 23 || om > 59) return std::nullopt;
        offset = std::chrono::minutes((oh * 60 + om) * (zone[0] == '-' ? -1 : 1));
    } else {
        return std::nullopt;
    }
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
    // Clock counts nanoseconds in int64: 1677-09-21 to 2262-04-11. A year outside would wrap to an
    // arbitrary time (an expired credential read as valid for centuries), so it is refused.
    if (year < 1678 || year > 2261) return std::nullopt;
    const std::chrono::year_month_day ymd{std::chrono::year{year},
                                          std::chrono::month{static_cast<unsigned>(month)},
                                          std::chrono::day{static_cast<unsigned>(day)}};
    if (!ymd.ok()) return std::nullopt;
    const auto t = std::chrono::sys_days{ymd} + std::chrono::hours{hour} +
                   std::chrono::minutes{minute} + std::chrono::seconds{second} + fraction - offset;
    return std::chrono::time_point_cast<Clock::duration>(t);
}

std::string format_iso8601(Clock::time_point time) {
    const auto secs = std::chrono::floor<std::chrono::seconds>(time);
    const auto day = std::chrono::floor<std::chrono::days>(secs);
    const std::chrono::year_month_day ymd{day};
    const std::chrono::hh_mm_ss hms{secs - day};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
    return buf;
}

Expected<std::vector<std::string>, std::string> split_command_line(std::string_view line) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (in_word) words.push_back(std::exchange(word, {}));
            in_word = false;
            continue;
        }
        in_word = true;
        if (c == '\\') {
            if (i + 1 >= line.size()) return unexpected(std::string("no escaped character"));
            word += line[++i];
        } else if (c == '\'') {
            const auto close = line.find('\'', i + 1);
            if (close == std::string_view::npos)
                return unexpected(std::string("no closing quotation"));
            word.append(line.substr(i + 1, close - i - 1));
            i = close;
        } else if (c == '"') {
            for (++i;; ++i) {
                if (i >= line.size()) return unexpected(std::string("no closing quotation"));
                const char q = line[i];
                if (q == '"') break;
                if (q == '\\' && i + 1 < line.size() && (line[i + 1] == '"' || line[i + 1] == '\\'))
                    word += line[++i];
                else
                    word += q;
            }
        } else {
            word += c;
        }
    }
    if (in_word) words.push_back(std::move(word));
    return words;
}

int max_attempts_from_env(const EnvLookup& env) {
    const std::string v = env_str(env, "AWS_MAX_ATTEMPTS");
    if (v.empty()) return 3;
    try {
        if (const int n = std::stoi(v); n >= 1) return n;
    } catch (const std::exception&) {
    }
    return 3;
}

Expected<net::HttpResponse, net::TransportError> send_with_retries(
    const CredentialsOptions& options, const net::HttpRequest& request,
    const std::function<std::string(const net::HttpResponse&)>& error_code, int* attempts) {
    RetryConfig config;
    config.max_attempts = max_attempts_from_env(options.env);
    config.base_delay = options.retry_base_delay;
    config.sleeper = options.sleeper;
    RetryPolicy policy(std::move(config));
    for (int attempt = 1;; ++attempt) {
        if (attempts) *attempts = attempt;
        auto resp = options.http->send(request);
        RetryClass cls = RetryClass::none;
        if (!resp) {
            cls = classify_attempt(0, "", &resp.error());
        } else if (resp->status >= 200 && resp->status < 300) {
            return resp;
        } else {
            cls = classify_attempt(resp->status, error_code ? error_code(*resp) : "", nullptr);
        }
        int cost = 0;
        const auto delay = policy.next_delay(attempt, cls, &cost);
        if (!delay) return resp;
        policy.sleep(*delay);
    }
}

Expected<Credentials, AwsError> resolve_credentials(const CredentialsOptions& options) {
    if (options.assume_role) {
        const AssumeRoleSource& a = *options.assume_role;
        if (!a.source)
            return unexpected(make_error(ErrorKind::no_credentials,
                                         "no credentials to assume role " + a.role_arn + " with"));
        auto source = a.source->get();
        if (!source) {
            AwsError e = source.error();
            e.message =
                "the credentials to assume role " + a.role_arn + " with are missing: " + e.message;
            return unexpected(std::move(e));
        }
        std::vector<std::pair<std::string, std::string>> params{
            {"RoleArn", a.role_arn},
            {"RoleSessionName", session_name(a.session_name)},
            {"DurationSeconds", std::to_string(a.duration_seconds)}};
        if (!a.external_id.empty()) params.emplace_back("ExternalId", a.external_id);
        auto c = call_sts(options, "AssumeRole", a.role_arn, params, &*source);
        if (c) c->source = "assume-role";
        return c;
    }
    SharedConfig cfg;
    cfg.creds_path = env_str(options.env, "AWS_SHARED_CREDENTIALS_FILE");
    if (cfg.creds_path.empty()) cfg.creds_path = "~/.aws/credentials";
    cfg.config_path = env_str(options.env, "AWS_CONFIG_FILE");
    if (cfg.config_path.empty()) cfg.config_path = "~/.aws/config";
    if (auto t = read_text(expand_home(cfg.config_path, options.env)))
        load_config_sections(*t, cfg);
    if (auto t = read_text(expand_home(cfg.creds_path, options.env)))
        cfg.credentials = parse_ini(*t);
    cfg.full = cfg.config;
    for (const auto& [name, values] : cfg.credentials)
        for (const auto& [k, v] : values)
            cfg.full[name][k] = v;  // the credentials file wins, as in botocore's full_config
    Chain chain{options, cfg, {}};
    return chain.resolve();
}

CredentialsProvider::CredentialsProvider(CredentialsOptions options)
    : options_(std::move(options)) {
    if (!options_.env) options_.env = process_env();
}

Clock::time_point CredentialsProvider::now() const {
    return options_.clock ? options_.clock() : Clock::now();
}

Expected<Credentials, AwsError> CredentialsProvider::get() {
    std::lock_guard lock(mutex_);
    const auto t = now();
    if (cached_ && (!cached_->expiration || *cached_->expiration - options_.refresh_ahead > t))
        return *cached_;
    // Inside the refresh window the old credentials still work: a failed refresh keeps them and
    // is tried again a little later; only when nothing valid is left does a failure surface.
    const bool still_valid = cached_ && *cached_->expiration - min_validity > t;
    if (still_valid && t < next_refresh_) return *cached_;
    if (!still_valid && failure_ && t < failure_until_) return unexpected(*failure_);
    auto fresh = resolve_credentials(options_);
    if (fresh) {
        cached_ = *fresh;
        failure_.reset();
        next_refresh_ = {};
        return fresh;
    }
    if (still_valid) {
        next_refresh_ = t + options_.refresh_retry;
        log::warn("credentials refresh failed; the cached credentials are used until they expire",
                  {{"source", cached_->source},
                   {"expires", format_iso8601(*cached_->expiration)},
                   {"error", fresh.error().message}});
        return *cached_;
    }
    cached_.reset();
    failure_ = fresh.error();
    failure_until_ = t + options_.failure_cache;
    return fresh;
}

}  // namespace dspm::aws
