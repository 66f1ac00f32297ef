#pragma once
// AWS Signature Version 4, header signing. Exposes the canonical request and string to sign so
// that the conformance suite can check every step.
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/credentials.hpp"
#include "net/http_client.hpp"

namespace dspm::aws {

struct SigningRequest {
    std::string method = "GET";
    // Path as it goes on the wire (percent-encoded). Normal services encode it once more in the
    // canonical request (the spec's double encoding); S3 uses it as is.
    std::string path = "/";
    std::vector<std::pair<std::string, std::string>> query;  // decoded names and values
    net::Headers headers;  // must contain Host; X-Amz-Date etc. are added by sign()
    std::string body;
};

struct SigningParams {
    std::string region;
    std::string service;  // credential-scope name ("s3", "iam", "sso")
    std::chrono::system_clock::time_point time;
    bool s3_rules = false;            // no normalisation, no double encoding, payload hash header
    bool normalize_path = true;       // ignored (false) with s3_rules
    bool add_content_sha256 = false;  // x-amz-content-sha256 (always with s3_rules)
    bool omit_session_token = false;  // sign without the token, add it afterwards
};

struct SigningResult {
    std::string canonical_request;
    std::string string_to_sign;
    std::string signature;  // hex
    std::string authorization;
    net::Headers
        headers;  // the request's headers plus X-Amz-Date, token, payload hash, Authorization
};

SigningResult sign(const SigningRequest& request, const Credentials& credentials,
                   const SigningParams& params);

// Helpers shared with the client and tests.
std::string sha256_hex(std::string_view data);
std::string uri_encode(std::string_view text, bool encode_slash);
std::string amz_date(std::chrono::system_clock::time_point time);  // 20150830T123600Z

}  // namespace dspm::aws
