#include "store/json_shapes.hpp"

namespace dspm::store {

namespace json = boost::json;

json::value parsed_or_null(const std::optional<std::string>& text) {
    if (!text) return nullptr;
    boost::system::error_code ec;
    auto v = json::parse(*text, ec);
    return ec ? json::value(nullptr) : v;
}

json::object head_json(const store::RunHead& h) {
    json::array regions;
    for (const auto& r : h.regions)
        regions.push_back(json::string(r));
    return {{"run_id", h.run_id},
            {"framework", h.framework},
            {"requirement", h.requirement},
            {"account", h.account},
            {"regions", std::move(regions)},
            {"started_at", h.started_at},
            {"finished_at", h.finished_at},
            {"status", h.status},
            {"complete", h.complete},
            {"counts", parsed_or_null(h.counts)},
            {"catalog_version", h.catalog_version},
            {"tool_version", h.tool_version}};
}

json::array items_json(const std::vector<store::DiffItem>& items) {
    json::array out;
    for (const auto& i : items)
        out.push_back(json::object{{"mapping_code", i.mapping_code},
                                   {"resource_id", i.resource_id},
                                   {"region", i.region},
                                   {"account", i.account},
                                   {"before", parsed_or_null(i.before)},
                                   {"after", parsed_or_null(i.after)}});
    return out;
}

json::object diff_json(const RunDiff& d) {
    return {{"run_id", d.run_id},
            {"against", d.against},
            {"new_failures", items_json(d.new_failures)},
            {"resolved", items_json(d.resolved)},
            {"changed", items_json(d.changed)},
            {"still_failing", items_json(d.still_failing)}};
}

}  // namespace dspm::store
