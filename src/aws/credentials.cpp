#include "aws/credentials.hpp"

#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <pugixml.hpp>
#include <sstream>

#include "aws/endpoints.hpp"
#include "aws/sigv4.hpp"
#include "net/http_client.hpp"

namespace dspm::aws {
namespace {

using Clock = std::chrono::system_clock;

std::string env_str(const EnvLookup& env, const char* name) {
    const char* v = env ? env(name) : nullptr;
    return v ? std::string(v) : std::string();
}

std::string trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}

std::optional<std::string> read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string expand_home(const std::string& path, const EnvLookup& env) {
    if (path.starts_with("~/")) return env_str(env, "HOME") + path.substr(1);
    return path;
}

std::optional<Clock::time_point> parse_iso8601(std::string_view text) {
    if (text.size() < 19) return std::nullopt;
    std::tm tm{};
    const std::string head(text.substr(0, 19));
    if (strptime(head.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return std::nullopt;
    return Clock::from_time_t(timegm(&tm));
}

AwsError make_error(ErrorKind kind, std::string message, std::string operation = {}) {
    AwsError e;
    e.kind = kind;
    e.service = operation.empty() ? "" : "sts";
    e.operation = std::move(operation);
    if (!e.operation.empty()) e.iam_action = "sts:" + e.operation;
    e.message = std::move(message);
    return e;
}

// The {AccessKeyId, SecretAccessKey, Token|SessionToken, Expiration} JSON of IMDS, ECS and
// credential_process.
Expected<Credentials, AwsError> credentials_from_json(std::string_view text, std::string source) {
    boost::system::error_code ec;
    const auto v = boost::json::parse(text, ec);
    if (ec || !v.is_object())
        return unexpected(
            make_error(ErrorKind::malformed, source + ": answer is not a JSON object"));
    const auto& o = v.as_object();
    auto str = [&](const char* k) -> std::string {
        const auto* f = o.if_contains(k);
        return f && f->is_string() ? std::string(f->as_string()) : std::string();
    };
    Credentials c;
    c.access_key_id = str("AccessKeyId");
    c.secret_access_key = str("SecretAccessKey");
    c.session_token = str("Token");
    if (c.session_token.empty()) c.session_token = str("SessionToken");
    if (auto exp = str("Expiration"); !exp.empty()) c.expiration = parse_iso8601(exp);
    c.source = std::move(source);
    if (c.access_key_id.empty() || c.secret_access_key.empty())
        return unexpected(make_error(ErrorKind::malformed,
                                     c.source + ": answer lacks AccessKeyId/SecretAccessKey"));
    return c;
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
    if (code == "AccessDenied") return ErrorKind::permission_denied;
    if (code == "InvalidClientTokenId" || code == "ExpiredToken" ||
        code == "SignatureDoesNotMatch" || code == "InvalidIdentityToken" ||
        code == "ExpiredTokenException")
        return ErrorKind::invalid_credentials;
    return ErrorKind::service;
}

// STS AssumeRole / AssumeRoleWithWebIdentity as a small query-protocol call of its own: the
// credentials chain must not depend on the client that depends on it.
Expected<Credentials, AwsError> call_sts(const CredentialsOptions& opt, const std::string& action,
                                         std::vector<std::pair<std::string, std::string>> params,
                                         const Credentials* signer) {
    if (!opt.http)
        return unexpected(make_error(ErrorKind::network, "no HTTP client for STS", action));
    params.insert(params.begin(), {{"Action", action}, {"Version", "2011-06-15"}});
    EndpointQuery q{"sts", "sts", "sts", opt.region.empty() ? "us-east-1" : opt.region, "", ""};
    const Endpoint ep = resolve_endpoint(q, opt.env);
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
        sp.time = Clock::now();
        req.headers = sign(sr, *signer, sp).headers;
    }
    auto resp = opt.http->send(req);
    if (!resp) {
        return unexpected(make_error(resp.error().kind == net::TransportErrorKind::timeout
                                         ? ErrorKind::timeout
                                         : ErrorKind::network,
                                     "STS " + action + ": " + resp.error().message, action));
    }
    pugi::xml_document doc;
    doc.load_string(resp->body.c_str());
    if (resp->status != 200) {
        const auto err = doc.select_node("//Error");
        const std::string code = err ? err.node().child_value("Code") : "";
        auto e = make_error(sts_error_kind(code),
                            "STS " + action + " failed: " + code + " " +
                                (err ? err.node().child_value("Message") : ""),
                            action);
        e.code = code;
        e.http_status = resp->status;
        return unexpected(std::move(e));
    }
    const auto node = doc.select_node("//Credentials").node();
    Credentials c;
    c.access_key_id = node.child_value("AccessKeyId");
    c.secret_access_key = node.child_value("SecretAccessKey");
    c.session_token = node.child_value("SessionToken");
    c.expiration = parse_iso8601(node.child_value("Expiration"));
    if (c.access_key_id.empty())
        return unexpected(make_error(ErrorKind::malformed,
                                     "STS " + action + ": no credentials in answer", action));
    return c;
}

std::string session_name(const std::string& configured) {
    if (!configured.empty()) return configured;
    return "dspm-audit-" + std::to_string(std::time(nullptr));
}

Expected<Credentials, AwsError> from_container(const CredentialsOptions& opt) {
    const auto rel = env_str(opt.env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const auto full = env_str(opt.env, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
    net::HttpRequest req;
    req.url = !rel.empty() ? "http://169.254.170.2" + rel : full;
    std::string token = env_str(opt.env, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
    if (const auto file = env_str(opt.env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
        !file.empty()) {
        if (auto t = read_text(file)) token = trim(*t);
    }
    if (!token.empty()) req.headers.emplace_back("Authorization", token);
    req.connect_timeout = opt.imds_timeout;
    req.total_timeout = opt.imds_timeout * 2;
    if (!opt.http) return unexpected(make_error(ErrorKind::network, "no HTTP client"));
    auto resp = opt.http->send(req);
    if (!resp || resp->status != 200)
        return unexpected(make_error(
            ErrorKind::network, "container credentials endpoint " + req.url + " did not answer" +
                                    (resp ? " (HTTP " + std::to_string(resp->status) + ")" : "")));
    return credentials_from_json(resp->body, "container-role");
}

Expected<Credentials, AwsError> from_imds(const CredentialsOptions& opt) {
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

Expected<Credentials, AwsError> from_process(const std::string& command) {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
    if (!pipe)
        return unexpected(
            make_error(ErrorKind::no_credentials, "credential_process failed to start"));
    std::string out;
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, pipe.get())) > 0)
        out.append(buf, n);
    const int status = ::pclose(pipe.release());
    if (status != 0)
        return unexpected(
            make_error(ErrorKind::no_credentials,
                       "credential_process exited with status " + std::to_string(status)));
    boost::system::error_code ec;
    const auto v = boost::json::parse(out, ec);
    if (ec || !v.is_object() || !v.as_object().contains("Version") ||
        v.as_object().at("Version") != 1)
        return unexpected(
            make_error(ErrorKind::malformed, "credential_process: expected JSON with Version 1"));
    return credentials_from_json(out, "custom-process");
}

struct Chain {
    const CredentialsOptions& opt;
    IniFile creds_file;
    IniFile config_file;
    std::string creds_path, config_path;
    std::vector<std::string> searched;

    std::optional<std::map<std::string, std::string>> profile(const std::string& name) const {
        std::map<std::string, std::string> merged;
        bool found = false;
        const std::string config_section = name == "default" ? "default" : "profile " + name;
        if (auto it = config_file.find(config_section); it != config_file.end()) {
            merged = it->second;
            found = true;
        } else if (auto it2 = config_file.find(name);
                   name == "default" && it2 != config_file.end()) {
            merged = it2->second;
            found = true;
        }
        if (auto it = creds_file.find(name); it != creds_file.end()) {
            for (const auto& [k, v] : it->second)
                merged[k] = v;  // the credentials file wins, as in the AWS CLI
            found = true;
        }
        if (!found) return std::nullopt;
        return merged;
    }

    Expected<Credentials, AwsError> env_creds() const {
        Credentials c;
        c.access_key_id = env_str(opt.env, "AWS_ACCESS_KEY_ID");
        c.secret_access_key = env_str(opt.env, "AWS_SECRET_ACCESS_KEY");
        c.session_token = env_str(opt.env, "AWS_SESSION_TOKEN");
        if (c.session_token.empty()) c.session_token = env_str(opt.env, "AWS_SECURITY_TOKEN");
        c.source = "environment";
        if (c.access_key_id.empty() || c.secret_access_key.empty())
            return unexpected(make_error(ErrorKind::no_credentials, "environment has no keys"));
        return c;
    }

    bool imds_disabled() const {
        std::string v = env_str(opt.env, "AWS_EC2_METADATA_DISABLED");
        for (auto& ch : v)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        return v == "true";
    }

    // A profile's own credentials (static keys, role, web identity, process), depth-limited
    // against source_profile cycles.
    Expected<Credentials, AwsError> profile_creds(const std::string& name, int depth) {
        if (depth > 5)
            return unexpected(make_error(ErrorKind::no_credentials,
                                         "source_profile chain too long at profile " + name));
        const auto p = profile(name);
        if (!p)
            return unexpected(make_error(
                ErrorKind::no_credentials,
                "profile '" + name + "' not found in " + creds_path + " or " + config_path));
        auto get = [&](const char* k) {
            auto it = p->find(k);
            return it == p->end() ? std::string() : it->second;
        };
        const std::string role_arn = get("role_arn");
        if (!role_arn.empty()) {
            Expected<Credentials, AwsError> source = unexpected(AwsError{});
            if (const auto src = get("source_profile"); !src.empty()) {
                if (src == name) {
                    source = static_keys(*p, name);
                } else {
                    source = profile_creds(src, depth + 1);
                }
            } else if (const auto cs = get("credential_source"); !cs.empty()) {
                if (cs == "Environment") {
                    source = env_creds();
                } else if (cs == "Ec2InstanceMetadata") {
                    source = from_imds(opt);
                } else if (cs == "EcsContainer") {
                    source = from_container(opt);
                } else {
                    return unexpected(
                        make_error(ErrorKind::no_credentials,
                                   "profile '" + name + "': unsupported credential_source " + cs));
                }
            } else if (const auto wif = get("web_identity_token_file"); !wif.empty()) {
                return web_identity(expand_home(wif, opt.env), role_arn, get("role_session_name"));
            } else {
                return unexpected(make_error(ErrorKind::no_credentials,
                                             "profile '" + name +
                                                 "' has role_arn but no source_profile or "
                                                 "credential_source"));
            }
            if (!source) return source;
            std::vector<std::pair<std::string, std::string>> params{
                {"RoleArn", role_arn}, {"RoleSessionName", session_name(get("role_session_name"))}};
            if (auto ext = get("external_id"); !ext.empty()) params.emplace_back("ExternalId", ext);
            if (auto d = get("duration_seconds"); !d.empty())
                params.emplace_back("DurationSeconds", d);
            auto c = call_sts(opt, "AssumeRole", params, &*source);
            if (c) c->source = "assume-role";
            return c;
        }
        if (auto c = static_keys(*p, name)) return c;
        if (const auto proc = get("credential_process"); !proc.empty()) return from_process(proc);
        return unexpected(
            make_error(ErrorKind::no_credentials, "profile '" + name + "' has no credentials"));
    }

    Expected<Credentials, AwsError> static_keys(const std::map<std::string, std::string>& p,
                                                const std::string& name) const {
        Credentials c;
        auto get = [&](const char* k) {
            auto it = p.find(k);
            return it == p.end() ? std::string() : it->second;
        };
        c.access_key_id = get("aws_access_key_id");
        c.secret_access_key = get("aws_secret_access_key");
        c.session_token = get("aws_session_token");
        c.source = "shared-credentials-file";
        if (c.access_key_id.empty() || c.secret_access_key.empty())
            return unexpected(
                make_error(ErrorKind::no_credentials, "profile '" + name + "' has no static keys"));
        return c;
    }

    Expected<Credentials, AwsError> web_identity(const std::string& token_file,
                                                 const std::string& role_arn,
                                                 const std::string& session) const {
        const auto token = read_text(token_file);
        if (!token)
            return unexpected(make_error(ErrorKind::no_credentials,
                                         "web identity token file " + token_file + " unreadable",
                                         "AssumeRoleWithWebIdentity"));
        auto c = call_sts(opt, "AssumeRoleWithWebIdentity",
                          {{"RoleArn", role_arn},
                           {"RoleSessionName", session_name(session)},
                           {"WebIdentityToken", trim(*token)}},
                          nullptr);
        if (c) c->source = "assume-role-with-web-identity";
        return c;
    }

    Expected<Credentials, AwsError> resolve() {
        // 1. environment
        searched.push_back("environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)");
        if (auto c = env_creds()) return c;

        std::string profile_name = env_str(opt.env, "AWS_PROFILE");
        if (profile_name.empty()) profile_name = env_str(opt.env, "AWS_DEFAULT_PROFILE");
        const bool explicit_profile = !profile_name.empty();
        if (profile_name.empty()) profile_name = "default";

        // 2. web identity from the environment
        const auto wif = env_str(opt.env, "AWS_WEB_IDENTITY_TOKEN_FILE");
        const auto role = env_str(opt.env, "AWS_ROLE_ARN");
        searched.push_back("web identity (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN)");
        if (!wif.empty() && !role.empty())
            return web_identity(wif, role, env_str(opt.env, "AWS_ROLE_SESSION_NAME"));

        // 3. shared files: the profile's keys, role, web identity or credential_process
        searched.push_back("shared credentials file " + creds_path + " and config file " +
                           config_path + " (profile '" + profile_name + "')");
        if (profile(profile_name)) {
            auto c = profile_creds(profile_name, 0);
            if (c || c.error().kind != ErrorKind::no_credentials || explicit_profile) return c;
        } else if (explicit_profile) {
            return unexpected(
                make_error(ErrorKind::no_credentials, "the config profile '" + profile_name +
                                                          "' could not be found in " + creds_path +
                                                          " or " + config_path));
        }

        // 4. ECS container credentials
        searched.push_back(
            "container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI)");
        if (!env_str(opt.env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").empty() ||
            !env_str(opt.env, "AWS_CONTAINER_CREDENTIALS_FULL_URI").empty())
            return from_container(opt);

        // 5. EC2 instance metadata (IMDSv2)
        if (imds_disabled()) {
            searched.push_back("EC2 instance metadata (disabled by AWS_EC2_METADATA_DISABLED)");
        } else {
            searched.push_back("EC2 instance metadata");
            auto c = from_imds(opt);
            if (c) return c;
            searched.back() += " (" + c.error().message + ")";
        }
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
    std::string section;
    std::string last_key;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const std::string t = trim(line);
        if (t.empty() || t[0] == '#' || t[0] == ';') continue;
        if (t.front() == '[' && t.back() == ']') {
            section = trim(std::string_view(t).substr(1, t.size() - 2));
            out[section];
            last_key.clear();
            continue;
        }
        const bool indented = line[0] == ' ' || line[0] == '\t';
        const auto eq = t.find('=');
        if (indented && !last_key.empty() && eq == std::string::npos) {
            continue;  // nested values (s3 = ...) are not credentials
        }
        if (eq == std::string::npos || section.empty()) continue;
        if (indented && !last_key.empty()) continue;  // sub-keys of a nested block
        last_key = trim(std::string_view(t).substr(0, eq));
        out[section][last_key] = trim(std::string_view(t).substr(eq + 1));
    }
    return out;
}

Expected<Credentials, AwsError> resolve_credentials(const CredentialsOptions& options) {
    Chain chain{options, {}, {}, {}, {}, {}};
    chain.creds_path = env_str(options.env, "AWS_SHARED_CREDENTIALS_FILE");
    if (chain.creds_path.empty()) chain.creds_path = "~/.aws/credentials";
    chain.config_path = env_str(options.env, "AWS_CONFIG_FILE");
    if (chain.config_path.empty()) chain.config_path = "~/.aws/config";
    if (auto t = read_text(expand_home(chain.creds_path, options.env)))
        chain.creds_file = parse_ini(*t);
    if (auto t = read_text(expand_home(chain.config_path, options.env)))
        chain.config_file = parse_ini(*t);
    return chain.resolve();
}

CredentialsProvider::CredentialsProvider(CredentialsOptions options)
    : options_(std::move(options)) {
    if (!options_.env) options_.env = process_env();
}

Expected<Credentials, AwsError> CredentialsProvider::get() {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    if (cached_ && (!cached_->expiration || *cached_->expiration - options_.refresh_ahead > now))
        return *cached_;
    if (failure_ && std::chrono::steady_clock::now() < failure_until_) return unexpected(*failure_);
    auto fresh = resolve_credentials(options_);
    if (fresh) {
        cached_ = *fresh;
        failure_.reset();
        return fresh;
    }
    failure_ = fresh.error();
    failure_until_ = std::chrono::steady_clock::now() + options_.failure_cache;
    // A refresh that fails while the old credentials still work keeps them (as the CLI does).
    if (cached_ && cached_->expiration && *cached_->expiration > now) return *cached_;
    return fresh;
}

}  // namespace dspm::aws
