// The error parser: parse_response on non-2xx answers (XML <ErrorResponse>/<Error>/<Response>,
// JSON __type/code/message, X-Amzn-ErrorType and x-amzn-query-error headers, text and empty
// bodies). A 2xx status in the input is moved to 400 so every run reaches the error path.
// Property: always an error, with a non-empty code.
#include <cstddef>
#include <cstdint>

#include "aws_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace dspm;
    auto in = fuzz::read_aws_input(fuzz::as_text(data, size));
    if (!in.model) fuzz::broken("an operation of kOperations is not embedded");
    if (in.status >= 200 && in.status < 300) in.status = 400;
    const auto r = aws::parse_response(*in.model, in.operation, in.status, in.headers, in.body);
    if (r) fuzz::broken("an error status parsed as a document");
    if (r.error().code.empty()) fuzz::broken("an error without a code");
    return 0;
}
