#pragma once
// Turning an operation + JSON parameters into an HTTP request, and an HTTP answer into a JSON
// document or an error, for the query, ec2, json, rest-json and rest-xml protocols. Driven by the
// operation models embedded from data/aws/ (generated from botocore by scripts/gen_aws_models.py).
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/expected.hpp"
#include "net/http_client.hpp"

namespace dspm::aws {

struct ServiceModel;  // opaque; defined in protocol.cpp / model.cpp

struct ServiceInfo {
    std::string name;             // botocore name: "sso-admin"
    std::string protocol;         // "query" | "ec2" | "json" | "rest-json" | "rest-xml"
    std::string endpoint_prefix;  // "sso" for sso-admin? (as botocore metadata says)
    std::string signing_name;     // credential-scope service
    std::string api_version;
    std::string global_endpoint;  // non-empty for global services (iam.amazonaws.com ...)
};

// nullptr when the service is not in the embedded models.
const ServiceModel* find_service(std::string_view service);
ServiceInfo service_info(const ServiceModel& model);
bool has_operation(const ServiceModel& model, std::string_view operation);

struct WireRequest {
    std::string method;
    // Path relative to the endpoint, already percent-encoded (S3: path style "/bucket/key").
    std::string path;
    std::vector<std::pair<std::string, std::string>> query;  // not yet encoded
    net::Headers headers;                                    // e.g. X-Amz-Target, Content-Type
    std::string body;
    std::string bucket;  // S3: the Bucket parameter, for virtual-hosted addressing and regions
    // botocore's endpoint hostPrefix with its labels filled in ("123456789012." for S3 Control):
    // prepend it to the endpoint's host. Empty for most operations.
    std::string host_prefix;
};

Expected<WireRequest, std::string> serialize_request(const ServiceModel& model,
                                                     std::string_view operation,
                                                     const boost::json::object& params);

struct WireError {
    std::string code;
    std::string message;
    std::string request_id;
};

// A 2xx answer becomes the operation's output document; anything else a WireError. Does not trust
// Content-Type: the error body may be XML on a JSON service (moto) or empty (S3 HEAD).
// A 2xx answer must be the operation's document: query and ec2 <OperationResponse> (with the
// model's resultWrapper), rest-xml the payload's or documented root element, json and rest-json a
// JSON object (empty only when the output has no body members). Anything else (an HTML page, an
// empty body, another operation's answer, null, []) is WireError{code "MalformedResponse"} whose
// message names the operation and what was seen, never an empty document.
Expected<boost::json::value, WireError> parse_response(const ServiceModel& model,
                                                       std::string_view operation, int http_status,
                                                       const net::Headers& headers,
                                                       std::string_view body);

struct Paginator {
    std::vector<std::string> input_tokens;   // request parameter names
    std::vector<std::string> output_tokens;  // paths in the output ("NextToken", "Marker")
    std::vector<std::string> result_keys;    // lists to concatenate across pages
    std::string more_results;                // "IsTruncated" when present
};

std::optional<Paginator> find_paginator(const ServiceModel& model, std::string_view operation);

}  // namespace dspm::aws
