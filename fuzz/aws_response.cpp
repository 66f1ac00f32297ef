// parse_response on 2xx (and any other) answers of a few operations of every protocol: the XML
// converter (query, ec2, rest-xml), the JSON converter (json, rest-json), the root and result
// wrapper checks, header-bound members. Properties: a 2xx answer is an object or a
// MalformedResponse naming the operation; anything else is an error with a code.
#include <boost/json/serialize.hpp>
#include <cstddef>
#include <cstdint>

#include "aws_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace dspm;
    auto in = fuzz::read_aws_input(fuzz::as_text(data, size));
    if (!in.model) fuzz::broken("an operation of kOperations is not embedded");
    const auto r = aws::parse_response(*in.model, in.operation, in.status, in.headers, in.body);
    const bool success = in.status >= 200 && in.status < 300;
    if (r) {
        if (!success) fuzz::broken("a non-2xx status parsed as a document");
        if (!r->is_object()) fuzz::broken("a 2xx document that is not an object");
        (void)boost::json::serialize(*r);
        return 0;
    }
    if (r.error().code.empty()) fuzz::broken("an error without a code");
    if (success) {
        if (r.error().code != "MalformedResponse") fuzz::broken("a 2xx failure not malformed");
        const std::string label = in.service + ":" + in.operation;
        if (r.error().message.find(label) == std::string::npos)
            fuzz::broken("a malformed answer's message does not name the operation");
    }
    return 0;
}
