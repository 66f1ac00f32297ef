#pragma once
// AWS failures as values, classified so that a check can turn them into honest evidence.
#include <string>
#include <string_view>

namespace dspm::aws {

enum class ErrorKind {
    permission_denied,    // AccessDenied & co: iam_action names the missing IAM action
    not_found,            // NoSuch*, *NotFound*: often a meaningful answer (no encryption config)
    throttled,            // still throttled after the retries
    invalid_credentials,  // signature / token / expired key problems
    no_credentials,       // nothing found in the credentials chain
    network,              // connection refused/reset, DNS, TLS
    timeout,              // per-attempt or total timeout
    malformed,            // an answer that could not be parsed
    invalid_request,      // our request was rejected as invalid (ValidationException ...)
    service,              // any other service-side error (5xx after retries, unknown codes)
};

std::string_view to_string(ErrorKind kind);

struct AwsError {
    ErrorKind kind = ErrorKind::service;
    std::string service;    // botocore service name: "s3", "sso-admin"
    std::string operation;  // "GetBucketEncryption"
    std::string code;       // AWS error code as answered: "AccessDenied"
    std::string message;
    int http_status = 0;
    std::string iam_action;  // "s3:GetEncryptionConfiguration", set for every call
    std::string region;
    std::string request_id;
    int attempts = 0;
};

}  // namespace dspm::aws
