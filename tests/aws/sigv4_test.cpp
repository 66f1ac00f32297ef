// SigV4 against the AWS conformance suite (../shared/testdata/sigv4) and S3's rules.
#include "aws/sigv4.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/test_support.hpp"

namespace fs = std::filesystem;
using namespace dspm::aws;

namespace {

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            out.push_back(
                static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

std::chrono::system_clock::time_point parse_time(const std::string& iso) {
    std::tm tm{};
    strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return std::chrono::system_clock::from_time_t(timegm(&tm));
}

// request.txt: "METHOD PATH HTTP/1.1", headers (folded lines start with whitespace), blank, body.
SigningRequest parse_request(const std::string& text) {
    SigningRequest req;
    std::vector<std::string> lines;
    std::size_t pos = 0;
    std::string body;
    while (pos <= text.size()) {
        std::size_t nl = text.find('\n', pos);
        if (nl == std::string::npos) nl = text.size();
        std::string line = text.substr(pos, nl - pos);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() && !lines.empty()) {
            body = nl < text.size() ? text.substr(nl + 1) : "";
            break;
        }
        lines.push_back(line);
        pos = nl + 1;
    }
    const std::string& first = lines.at(0);
    const auto sp = first.find(' ');
    const auto http = first.rfind(" HTTP/");
    req.method = first.substr(0, sp);
    std::string target = first.substr(sp + 1, http - sp - 1);
    const auto q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) {
        std::string qs = target.substr(q + 1);
        std::stringstream ss(qs);
        std::string part;
        while (std::getline(ss, part, '&')) {
            const auto eq = part.find('=');
            req.query.emplace_back(
                percent_decode(part.substr(0, eq)),
                eq == std::string::npos ? "" : percent_decode(part.substr(eq + 1)));
        }
    }
    for (std::size_t i = 1; i < lines.size(); ++i) {
        const std::string& l = lines[i];
        if (!l.empty() && (l[0] == ' ' || l[0] == '\t')) {
            req.headers.back().second += " " + l;
            continue;
        }
        const auto colon = l.find(':');
        req.headers.emplace_back(l.substr(0, colon), l.substr(colon + 1));
    }
    req.body = body;
    return req;
}

}  // namespace

TEST(SigV4Suite, EveryV4Case) {
    const auto shared = dspm::test::shared_dir();
    if (!shared || !fs::is_directory(fs::path(*shared) / "testdata/sigv4"))
        GTEST_SKIP()
            << "../shared/testdata/sigv4 is absent: the SigV4 conformance suite was skipped";
    int ran = 0;
    for (const auto& entry : fs::directory_iterator(fs::path(*shared) / "testdata/sigv4")) {
        if (!entry.is_directory()) continue;
        const fs::path dir = entry.path();
        SCOPED_TRACE(dir.filename().string());
        const auto ctx = boost::json::parse(slurp(dir / "context.json")).as_object();
        const auto& creds_json = ctx.at("credentials").as_object();
        Credentials creds;
        creds.access_key_id = creds_json.at("access_key_id").as_string().c_str();
        creds.secret_access_key = creds_json.at("secret_access_key").as_string().c_str();
        if (auto* t = creds_json.if_contains("token")) creds.session_token = t->as_string().c_str();
        SigningParams params;
        params.region = ctx.at("region").as_string().c_str();
        params.service = ctx.at("service").as_string().c_str();
        params.time = parse_time(ctx.at("timestamp").as_string().c_str());
        params.normalize_path = ctx.at("normalize").as_bool();
        params.add_content_sha256 = ctx.at("sign_body").as_bool();
        if (auto* o = ctx.if_contains("omit_session_token"))
            params.omit_session_token = o->as_bool();

        const SigningRequest req = parse_request(slurp(dir / "request.txt"));
        const SigningResult r = sign(req, creds, params);
        EXPECT_EQ(r.canonical_request, slurp(dir / "header-canonical-request.txt"));
        EXPECT_EQ(r.string_to_sign, slurp(dir / "header-string-to-sign.txt"));
        EXPECT_EQ(r.signature, slurp(dir / "header-signature.txt"));
        const std::string signed_req = slurp(dir / "header-signed-request.txt");
        EXPECT_NE(signed_req.find("Authorization:" + r.authorization), std::string::npos);
        ++ran;
    }
    std::printf("[ sigv4    ] %d conformance cases ran\n", ran);
    EXPECT_GE(ran, 30);
}

TEST(SigV4, S3KeepsPathAndAddsPayloadHash) {
    Credentials creds{"AKID", "secret", "", std::nullopt, ""};
    SigningRequest req;
    req.method = "GET";
    req.path = "/bucket/a%20b/../c";
    req.headers = {{"Host", "s3.us-east-1.amazonaws.com"}};
    SigningParams p;
    p.region = "us-east-1";
    p.service = "s3";
    p.time = parse_time("2024-01-02T03:04:05Z");
    p.s3_rules = true;
    const auto r = sign(req, creds, p);
    // S3: no normalisation, single encoding.
    EXPECT_NE(r.canonical_request.find("\n/bucket/a%20b/../c\n"), std::string::npos);
    EXPECT_NE(r.canonical_request.find("x-amz-content-sha256:" + sha256_hex("")),
              std::string::npos);
    bool has_hash = false;
    for (const auto& [k, v] : r.headers)
        if (k == "x-amz-content-sha256") has_hash = v == sha256_hex("");
    EXPECT_TRUE(has_hash);

    // The same path for another service is normalised and encoded again.
    p.s3_rules = false;
    p.service = "iam";
    const auto r2 = sign(req, creds, p);
    EXPECT_NE(r2.canonical_request.find("\n/bucket/c\n"), std::string::npos);
    req.path = "/a%20b";
    const auto r3 = sign(req, creds, p);
    EXPECT_NE(r3.canonical_request.find("\n/a%2520b\n"), std::string::npos);
    EXPECT_EQ(r3.canonical_request.find("x-amz-content-sha256"), std::string::npos);
}

TEST(SigV4, SessionTokenHeaderIsSigned) {
    Credentials creds{"AKID", "secret", "TOKEN", std::nullopt, ""};
    SigningRequest req;
    req.headers = {{"Host", "sts.amazonaws.com"}};
    SigningParams p{"us-east-1", "sts", parse_time("2024-01-02T03:04:05Z")};
    const auto r = sign(req, creds, p);
    EXPECT_NE(r.canonical_request.find("x-amz-security-token:TOKEN\n"), std::string::npos);
    EXPECT_NE(r.authorization.find("Credential=AKID/20240102/us-east-1/sts/aws4_request"),
              std::string::npos);
}
