#include "catalog/local_source.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <fstream>
#include <memory>
#include <sstream>

#include "catalog/json_shapes.hpp"
#include "common/embedded.hpp"

namespace dspm::catalog {
namespace json = boost::json;

std::string to_lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

namespace {

Expected<json::value, std::string> parse_file(const FileReader& read, const std::string& path) {
    auto text = read(path);
    if (!text) return unexpected("catalog file missing: " + path);
    boost::system::error_code ec;
    auto v = json::parse(*text, ec);
    if (ec) return unexpected("catalog file " + path + " is not valid JSON: " + ec.message());
    return v;
}

// index.json names files relative to the catalog folder; a name that climbs out of it (or is
// absolute) would read whatever the service's user can read.
bool inside_catalog(std::string_view path) {
    if (path.empty() || path.size() > 256 || path.front() == '/') return false;
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto end = std::min(path.find('/', start), path.size());
        const auto segment = path.substr(start, end - start);
        if (segment.empty() || segment == "." || segment == "..") return false;
        start = end + 1;
    }
    return std::none_of(path.begin(), path.end(),
                        [](unsigned char c) { return c < 0x20 || c == '\\'; });
}

CatalogError not_found(std::string detail) {
    return {CatalogErrorKind::not_found, std::move(detail)};
}

}  // namespace

Expected<std::shared_ptr<LocalSource>, std::string> LocalSource::load(const FileReader& raw_read,
                                                                      std::string name) {
    auto source = std::make_shared<LocalSource>();
    source->name_ = std::move(name);
    // The version is a digest of every file read, in reading order (the index fixes it), each
    // preceded by its path: two catalogs judge alike exactly when their versions are equal.
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> digest(EVP_MD_CTX_new(),
                                                                   &EVP_MD_CTX_free);
    if (!digest || EVP_DigestInit_ex(digest.get(), EVP_sha256(), nullptr) != 1)
        return unexpected(std::string("catalog: SHA-256 unavailable"));
    const FileReader read = [&](const std::string& path) {
        auto text = raw_read(path);
        if (text) {
            EVP_DigestUpdate(digest.get(), path.data(), path.size() + 1);  // with its NUL
            EVP_DigestUpdate(digest.get(), text->data(), text->size());
        }
        return text;
    };
    auto maps = parse_file(read, "mappings.json");
    if (!maps) return unexpected(maps.error());
    const auto* list = maps->is_object() ? maps->as_object().if_contains("mappings") : nullptr;
    if (!list || !list->is_array())
        return unexpected(std::string("mappings.json: mappings[] expected"));
    for (const auto& e : list->as_array()) {
        auto m = parse_mapping(e);
        if (!m) return unexpected("mappings.json: " + m.error());
        source->mappings_.push_back(std::move(*m));
    }
    auto index = parse_file(read, "index.json");
    if (!index) return unexpected(index.error());
    const auto* fws = index->is_object() ? index->as_object().if_contains("frameworks") : nullptr;
    if (!fws || !fws->is_array())
        return unexpected(std::string("index.json: frameworks[] expected"));
    for (const auto& entry : fws->as_array()) {
        const auto* file_v = entry.is_object() ? entry.as_object().if_contains("file") : nullptr;
        if (!file_v || !file_v->is_string())
            return unexpected(std::string("index.json: each framework needs a file (string)"));
        std::string file(file_v->as_string());
        if (!inside_catalog(file))
            return unexpected(
                "index.json: framework file must be a relative path inside the "
                "catalog folder");
        auto doc = parse_file(read, file);
        if (!doc) return unexpected(doc.error());
        const auto* o = doc->if_object();
        if (!o || !o->if_contains("framework") || !o->at("framework").is_string() ||
            !o->if_contains("requirements") || !o->at("requirements").is_array())
            return unexpected(file + ": framework (string) and requirements[] expected");
        Framework fw;
        fw.code = std::string(o->at("framework").as_string());
        if (const auto* n = o->if_contains("name"); n && n->is_string()) fw.name = n->as_string();
        for (const auto& row : o->at("requirements").as_array()) {
            auto r = parse_requirement(row);
            if (!r) return unexpected(file + ": " + r.error());
            r->mapping_services = services_of(r->mapping_codes, source->mappings_);
            fw.requirements.push_back(std::move(*r));
        }
        source->by_lower_code_[to_lower(fw.code)] = source->frameworks_.size();
        source->frameworks_.push_back(std::move(fw));
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (EVP_DigestFinal_ex(digest.get(), md, &md_len) != 1)
        return unexpected(std::string("catalog: SHA-256 failed"));
    static constexpr char hex[] = "0123456789abcdef";
    source->version_ = "sha256:";
    for (unsigned int i = 0; i < md_len && i < 8; ++i) {
        source->version_ += hex[md[i] >> 4];
        source->version_ += hex[md[i] & 0xf];
    }
    return source;
}

Expected<std::shared_ptr<LocalSource>, std::string> LocalSource::embedded() {
    return load(
        [](const std::string& path) -> std::optional<std::string> {
            auto f = dspm::embedded::find("catalog/" + path);
            if (!f) return std::nullopt;
            return std::string(*f);
        },
        "embedded");
}

Expected<std::shared_ptr<LocalSource>, std::string> LocalSource::directory(const std::string& dir) {
    return load(
        [dir](const std::string& path) -> std::optional<std::string> {
            std::ifstream in(dir + "/" + path, std::ios::binary);
            if (!in) return std::nullopt;
            std::ostringstream out;
            out << in.rdbuf();
            return out.str();
        },
        "directory");
}

const Framework* LocalSource::find_framework(std::string_view code) const {
    auto it = by_lower_code_.find(to_lower(code));
    return it == by_lower_code_.end() ? nullptr : &frameworks_[it->second];
}

const Mapping* LocalSource::find_mapping(std::string_view code) const {
    for (const auto& m : mappings_)
        if (m.code == code) return &m;
    return nullptr;
}

Expected<std::vector<FrameworkStat>, CatalogError> LocalSource::stats() {
    std::vector<FrameworkStat> out;
    for (const auto& fw : frameworks_)
        out.push_back({fw.code, static_cast<int>(fw.requirements.size())});
    // The Mapping API lists frameworks alphabetically (upper case first).
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.framework < b.framework; });
    return out;
}

Expected<std::vector<Requirement>, CatalogError> LocalSource::requirements(
    std::string_view framework) {
    const auto* fw = find_framework(framework);
    if (!fw) return unexpected(not_found("Framework '" + std::string(framework) + "' not found"));
    return fw->requirements;
}

Expected<RequirementDetail, CatalogError> LocalSource::requirement(std::string_view framework,
                                                                   std::string_view id_or_code) {
    const auto* fw = find_framework(framework);
    if (!fw) return unexpected(not_found("Framework '" + std::string(framework) + "' not found"));
    const bool numeric =
        !id_or_code.empty() && std::all_of(id_or_code.begin(), id_or_code.end(),
                                           [](unsigned char c) { return std::isdigit(c) != 0; });
    const std::string key = to_lower(id_or_code);
    const Requirement* found = nullptr;
    for (const auto& r : fw->requirements) {
        if (numeric && std::to_string(r.id) == id_or_code) found = &r;
        if (!found && to_lower(r.item_code) == key) found = &r;
        if (!found)
            for (const auto& a : r.aliases)
                if (to_lower(a) == key) found = &r;
        if (found) break;
    }
    if (!found)
        return unexpected(not_found("Requirement '" + std::string(id_or_code) +
                                    "' not found in framework '" + fw->code + "'"));
    RequirementDetail d{fw->code, *found, {}};
    for (const auto& code : found->mapping_codes)
        if (const auto* m = find_mapping(code)) d.mappings.push_back(*m);
    return d;
}

Expected<std::vector<Mapping>, CatalogError> LocalSource::mappings() {
    return mappings_;
}

}  // namespace dspm::catalog
