#include "aws/sso.hpp"

#include <fcntl.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "aws/endpoints.hpp"
#include "aws/regions.hpp"
#include "aws/sigv4.hpp"
#include "common/log.hpp"

namespace dspm::aws {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using Clock = std::chrono::system_clock;

// botocore's SSOTokenProvider refreshes a token this long before it expires.
constexpr std::chrono::minutes refresh_window{15};

Clock::time_point now(const CredentialsOptions& o) {
    return o.clock ? o.clock() : Clock::now();
}

std::string env_str(const EnvLookup& env, const char* name) {
    const char* v = env ? env(name) : nullptr;
    return v ? std::string(v) : std::string();
}

std::string login_hint(const SsoProfile& p) {
    return "run `aws sso login --profile " + p.profile_name + "`";
}

std::string token_name(const SsoProfile& p) {
    return p.session_name.empty() ? "start URL " + p.start_url
                                  : "sso-session '" + p.session_name + "'";
}

AwsError sso_error(ErrorKind kind, std::string operation, std::string message) {
    AwsError e;
    e.kind = kind;
    e.service = operation == "CreateToken" ? "sso-oidc" : "sso";
    e.operation = std::move(operation);
    e.message = std::move(message);
    return e;
}

std::string str_field(const json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// rest-json error code: the x-amzn-ErrorType header or the body's __type/code ("ns#Code:..." →
// "Code").
std::string rest_json_error_code(const net::HttpResponse& r) {
    std::string code;
    if (auto h = r.header("x-amzn-ErrorType")) {
        code = *h;
    } else {
        boost::system::error_code ec;
        const auto v = json::parse(r.body, ec);
        if (!ec && v.is_object()) {
            code = str_field(v.as_object(), "__type");
            if (code.empty()) code = str_field(v.as_object(), "code");
        }
    }
    code = code.substr(0, code.find(':'));
    if (const auto hash = code.rfind('#'); hash != std::string::npos) code = code.substr(hash + 1);
    return code;
}

std::string service_message(const net::HttpResponse& r) {
    boost::system::error_code ec;
    const auto v = json::parse(r.body, ec);
    if (ec || !v.is_object()) return {};
    std::string m = str_field(v.as_object(), "message");
    if (m.empty()) m = str_field(v.as_object(), "Message");
    return printable(m, 200);
}

struct CachedToken {
    json::object doc;  // the whole cache entry, kept when the token is written back
    std::string access_token;
    Clock::time_point expires;
};

Expected<CachedToken, AwsError> load_token(const fs::path& file, const SsoProfile& p) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return unexpected(
            sso_error(ErrorKind::no_credentials, "GetRoleCredentials",
                      "profile '" + p.profile_name + "': no cached IAM Identity Center token for " +
                          token_name(p) + " (" + file.string() + "); " + login_hint(p)));
    std::stringstream ss;
    ss << in.rdbuf();
    boost::system::error_code ec;
    auto v = json::parse(ss.str(), ec);
    CachedToken t;
    if (!ec && v.is_object()) {
        t.doc = std::move(v.as_object());
        t.access_token = str_field(t.doc, "accessToken");
        if (auto e = parse_iso8601(str_field(t.doc, "expiresAt")))
            t.expires = *e;
        else
            t.access_token.clear();
    }
    if (t.access_token.empty())
        return unexpected(sso_error(ErrorKind::no_credentials, "GetRoleCredentials",
                                    "profile '" + p.profile_name +
                                        "': the cached IAM Identity Center token for " +
                                        token_name(p) + " is invalid; " + login_hint(p)));
    return t;
}

// The cache entry replaced atomically: a reader never sees half a token, and only the user can
// read the file (it holds the refresh token and the client secret).
bool write_atomic(const fs::path& file, const std::string& text) {
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    std::string leaf(1, '.');
    leaf += file.filename().string();
    leaf += ".XXXXXX";
    const std::string name = (file.parent_path() / leaf).string();
    std::vector<char> tmpl(name.begin(), name.end());
    tmpl.push_back('\0');
    const int fd = ::mkstemp(tmpl.data());
    if (fd < 0) return false;
    const std::string tmp(tmpl.data());
    bool ok = ::fchmod(fd, S_IRUSR | S_IWUSR) == 0;
    std::size_t done = 0;
    while (ok && done < text.size()) {
        const auto n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0)
            ok = false;
        else
            done += static_cast<std::size_t>(n);
    }
    ok = ok && ::fsync(fd) == 0;
    ok = ::close(fd) == 0 && ok;
    ok = ok && std::rename(tmp.c_str(), file.c_str()) == 0;
    if (!ok) ::unlink(tmp.c_str());
    return ok;
}

// SSO OIDC CreateToken with the refresh token, as botocore's SSOTokenProvider does; nullopt when
// the entry cannot be refreshed (no refresh data, registration expired, the call failed).
std::optional<CachedToken> refresh_token(const CachedToken& t, const SsoProfile& p,
                                         const CredentialsOptions& opt, const fs::path& file) {
    const std::string refresh = str_field(t.doc, "refreshToken");
    const std::string client_id = str_field(t.doc, "clientId");
    const std::string client_secret = str_field(t.doc, "clientSecret");
    const auto registration = parse_iso8601(str_field(t.doc, "registrationExpiresAt"));
    const json::object fields{{"profile", p.profile_name}, {"sso_session", p.session_name}};
    if (refresh.empty() || client_id.empty() || client_secret.empty() || !registration) {
        log::info("SSO token cannot be refreshed: the cache entry has no refresh data", fields);
        return std::nullopt;
    }
    const auto t_now = now(opt);
    if (*registration <= t_now) {
        log::info("SSO token cannot be refreshed: the client registration expired", fields);
        return std::nullopt;
    }
    auto ep = resolve_endpoint({"sso-oidc", "oidc", "sso-oauth", p.region, "", ""}, opt.env);
    if (!ep) {
        log::warn("SSO token refresh: no endpoint",
                  {{"profile", p.profile_name}, {"error", ep.error()}});
        return std::nullopt;
    }
    net::HttpRequest req;
    req.method = "POST";
    req.url = ep->base_url + "/token";
    req.headers = {{"Host", ep->host}, {"Content-Type", "application/json"}};
    req.body = json::serialize(json::object{{"grantType", "refresh_token"},
                                            {"clientId", client_id},
                                            {"clientSecret", client_secret},
                                            {"refreshToken", refresh}});
    auto resp = send_with_retries(opt, req, rest_json_error_code);
    if (!resp || resp->status != 200) {
        json::object f = fields;
        if (resp) {
            f["status"] = resp->status;
            f["code"] = rest_json_error_code(*resp);
        } else {
            f["error"] = resp.error().message;
        }
        log::warn("SSO token refresh failed", f);
        return std::nullopt;
    }
    boost::system::error_code ec;
    const auto v = json::parse(resp->body, ec);
    const json::object* o = !ec && v.is_object() ? &v.as_object() : nullptr;
    const json::value* expires_in = o ? o->if_contains("expiresIn") : nullptr;
    const std::string access = o ? str_field(*o, "accessToken") : std::string();
    if (access.empty() || !expires_in || !expires_in->is_number()) {
        log::warn("SSO token refresh: malformed CreateToken answer", fields);
        return std::nullopt;
    }
    CachedToken fresh;
    fresh.doc = t.doc;
    fresh.access_token = access;
    fresh.expires =
        t_now + std::chrono::seconds(static_cast<long long>(expires_in->to_number<double>()));
    fresh.doc["accessToken"] = access;
    fresh.doc["expiresAt"] = format_iso8601(fresh.expires);
    fresh.doc["startUrl"] = p.start_url;
    fresh.doc["region"] = p.region;
    // botocore keeps a refresh token only when the answer brings one: they are single-use.
    if (const std::string next = str_field(*o, "refreshToken"); !next.empty())
        fresh.doc["refreshToken"] = next;
    else
        fresh.doc.erase("refreshToken");
    if (!write_atomic(file, json::serialize(fresh.doc)))
        log::warn("SSO token refreshed but the cache file could not be written",
                  {{"profile", p.profile_name}, {"file", file.string()}});
    return fresh;
}

Expected<Credentials, AwsError> get_role_credentials(const std::string& token, const SsoProfile& p,
                                                     const CredentialsOptions& opt) {
    const std::string op = "GetRoleCredentials";
    const std::string what = "IAM Identity Center GetRoleCredentials (role " + p.role_name +
                             ", account " + p.account_id + ", profile '" + p.profile_name + "')";
    auto ep = resolve_endpoint({"sso", "portal.sso", "awsssoportal", p.region, "", ""}, opt.env);
    if (!ep) return unexpected(sso_error(ErrorKind::invalid_request, op, what + ": " + ep.error()));
    net::HttpRequest req;
    req.url = ep->base_url + "/federation/credentials?role_name=" + uri_encode(p.role_name, true) +
              "&account_id=" + uri_encode(p.account_id, true);
    req.headers = {{"Host", ep->host}, {"x-amz-sso_bearer_token", token}};
    int attempts = 0;
    auto resp = send_with_retries(opt, req, rest_json_error_code, &attempts);
    if (!resp) {
        auto e =
            sso_error(resp.error().kind == net::TransportErrorKind::timeout ? ErrorKind::timeout
                                                                            : ErrorKind::network,
                      op, what + ": " + resp.error().message);
        e.attempts = attempts;
        return unexpected(std::move(e));
    }
    if (resp->status != 200) {
        const std::string code = rest_json_error_code(*resp);
        const std::string detail = service_message(*resp);
        ErrorKind kind = ErrorKind::service;
        std::string text =
            what + " failed: " + (code.empty() ? "HTTP " + std::to_string(resp->status) : code) +
            (detail.empty() ? "" : ": " + detail);
        if (resp->status == 401 || code == "UnauthorizedException") {
            kind = ErrorKind::invalid_credentials;
            text += "; the SSO session has expired or is invalid, " + login_hint(p);
        } else if (resp->status == 403 || code == "ForbiddenException" ||
                   code == "AccessDeniedException") {
            kind = ErrorKind::permission_denied;
        } else if (resp->status == 404 || code == "ResourceNotFoundException") {
            // Not "not_found": a check must never read a credentials failure as "no resource".
            kind = ErrorKind::no_credentials;
            text += "; the role is not assigned to this user in that account";
        } else if (resp->status == 429 || code == "TooManyRequestsException") {
            kind = ErrorKind::throttled;
        } else if (resp->status == 400 || code == "InvalidRequestException") {
            kind = ErrorKind::invalid_request;
        }
        auto e = sso_error(kind, op, std::move(text));
        e.code = code;
        e.http_status = resp->status;
        e.attempts = attempts;
        e.region = p.region;
        if (kind == ErrorKind::permission_denied) e.iam_action = "sso:GetRoleCredentials";
        return unexpected(std::move(e));
    }
    boost::system::error_code ec;
    const auto v = json::parse(resp->body, ec);
    const json::value* rc =
        !ec && v.is_object() ? v.as_object().if_contains("roleCredentials") : nullptr;
    if (!rc || !rc->is_object())
        return unexpected(sso_error(ErrorKind::malformed, op, what + ": no roleCredentials"));
    const auto& o = rc->as_object();
    Credentials c;
    c.access_key_id = str_field(o, "accessKeyId");
    c.secret_access_key = str_field(o, "secretAccessKey");
    c.session_token = str_field(o, "sessionToken");
    c.source = "sso";
    const auto* exp = o.if_contains("expiration");
    if (c.access_key_id.empty() || c.secret_access_key.empty() || !exp || !exp->is_number())
        return unexpected(sso_error(ErrorKind::malformed, op,
                                    what + ": roleCredentials lack keys or expiration"));
    c.expiration = Clock::time_point(std::chrono::duration_cast<Clock::duration>(
        std::chrono::milliseconds(static_cast<long long>(exp->to_number<double>()))));
    return c;
}

}  // namespace

std::string sso_cache_key(std::string_view session_or_start_url) {
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(session_or_start_url.data()),
         session_or_start_url.size(), digest);
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char b : digest) {
        out.push_back(hex[b >> 4]);
        out.push_back(hex[b & 0xf]);
    }
    return out;
}

Expected<Credentials, AwsError> sso_credentials(const SsoProfile& p,
                                                const CredentialsOptions& opt) {
    // The region becomes part of the portal's and OIDC's host names.
    if (!valid_region_name(p.region))
        return unexpected(sso_error(ErrorKind::invalid_request, "GetRoleCredentials",
                                    "profile '" + p.profile_name + "': sso_region \"" +
                                        printable(p.region) + "\" is not a region name (" +
                                        region_forms_hint() + ")"));
    if (!opt.http)
        return unexpected(sso_error(ErrorKind::network, "GetRoleCredentials", "no HTTP client"));
    const std::string home = env_str(opt.env, "HOME");
    if (home.empty())
        return unexpected(sso_error(ErrorKind::no_credentials, "GetRoleCredentials",
                                    "profile '" + p.profile_name +
                                        "': HOME is not set, so the SSO token cache "
                                        "(~/.aws/sso/cache) cannot be found"));
    const fs::path file =
        fs::path(home) / ".aws" / "sso" / "cache" /
        (sso_cache_key(p.session_name.empty() ? p.start_url : p.session_name) + ".json");
    auto token = load_token(file, p);
    if (!token) return unexpected(token.error());
    // Only sso-session profiles carry what a refresh needs; the legacy form is used until it
    // expires, as in the AWS CLI.
    if (!p.session_name.empty() && token->expires - now(opt) < refresh_window) {
        if (auto fresh = refresh_token(*token, p, opt, file)) token = std::move(*fresh);
    }
    if (token->expires <= now(opt))
        return unexpected(sso_error(ErrorKind::invalid_credentials, "GetRoleCredentials",
                                    "profile '" + p.profile_name +
                                        "': the IAM Identity Center token for " + token_name(p) +
                                        " expired at " + format_iso8601(token->expires) +
                                        " and could not be refreshed; " + login_hint(p)));
    return get_role_credentials(token->access_token, p, opt);
}

}  // namespace dspm::aws
