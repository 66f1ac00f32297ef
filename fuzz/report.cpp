// The report writers on any JSON: a document that is not an audit answer is refused with a
// sentence, and anything accepted renders in every format (stored results come from files a user
// hands over, so their content is arbitrary).
#include "report/report.hpp"

#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    boost::system::error_code ec;
    const auto doc = boost::json::parse(dspm::fuzz::as_text(data, size), ec);
    if (ec) return 0;
    using dspm::report::Format;
    for (auto f :
         {Format::html, Format::csv, Format::ocsf, Format::sarif, Format::junit, Format::md}) {
        auto r = dspm::report::render(doc, f);
        if (!r && r.error().empty()) __builtin_trap();
    }
    (void)dspm::report::slack_message(doc, 3);
    return 0;
}
