#include "catalog/remote_source.hpp"

#include <boost/json.hpp>
#include <cctype>

#include "catalog/json_shapes.hpp"
#include "net/http_client.hpp"
#include "net/redact.hpp"

namespace dspm::catalog {
namespace json = boost::json;

std::string encode_segment(std::string_view segment) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : segment) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

RemoteSource::RemoteSource(std::string base_url, std::shared_ptr<net::HttpClient> http,
                           RemoteOptions options)
    : base_(std::move(base_url)), http_(std::move(http)), options_(options) {
    while (!base_.empty() && base_.back() == '/')
        base_.pop_back();
}

std::size_t RemoteSource::revalidated() const {
    std::lock_guard lock(mutex_);
    return revalidated_;
}

Expected<std::string, CatalogError> RemoteSource::get(const std::string& path) {
    const std::string url = base_ + path;
    // The base URL may carry credentials: messages show it redacted.
    const std::string shown = net::redact_url(url);
    auto upstream = [&](const std::string& what) {
        return unexpected(
            CatalogError{CatalogErrorKind::upstream, "Mapping API " + shown + " " + what});
    };
    if (!http_) return upstream("cannot be called: no HTTP client");
    net::HttpRequest request;
    request.url = url;
    request.headers.emplace_back("Accept", "application/json");
    request.connect_timeout = options_.connect_timeout;
    request.total_timeout = options_.total_timeout;
    {
        std::lock_guard lock(mutex_);
        if (auto it = cache_.find(url); it != cache_.end() && !it->second.etag.empty())
            request.headers.emplace_back("If-None-Match", it->second.etag);
    }
    auto response = http_->send(request);
    if (!response)
        return upstream("is unreachable (" + std::string(net::to_string(response.error().kind)) +
                        "): " + net::redact_urls_in(response.error().message));
    const int status = response->status;
    if (status == 304) {
        std::lock_guard lock(mutex_);
        auto it = cache_.find(url);
        if (it == cache_.end()) return upstream("answered 304 for a request it had no copy of");
        ++revalidated_;
        return it->second.body;
    }
    if (status == 404) {
        std::string detail = "Not found: " + shown;
        boost::system::error_code ec;
        auto v = json::parse(response->body, ec);
        if (!ec && v.is_object())
            if (const auto* d = v.as_object().if_contains("detail"); d && d->is_string())
                detail = std::string(d->as_string());
        return unexpected(CatalogError{CatalogErrorKind::not_found, detail});
    }
    if (status < 200 || status >= 300) return upstream("answered HTTP " + std::to_string(status));
    if (auto etag = response->header("ETag")) {
        std::lock_guard lock(mutex_);
        cache_[url] = {*etag, response->body};
    }
    return std::move(response->body);
}

namespace {
template <class T>
Expected<T, CatalogError> decode(const Expected<std::string, CatalogError>& body,
                                 Expected<T, std::string> (*parse)(const json::value&),
                                 const std::string& url) {
    if (!body) return unexpected(body.error());
    const std::string shown = net::redact_url(url);
    boost::system::error_code ec;
    auto v = json::parse(*body, ec);
    if (ec)
        return unexpected(
            CatalogError{CatalogErrorKind::upstream,
                         "Mapping API " + shown + " answered malformed JSON: " + ec.message()});
    auto parsed = parse(v);
    if (!parsed)
        return unexpected(CatalogError{
            CatalogErrorKind::upstream,
            "Mapping API " + shown + " answered an unexpected shape: " + parsed.error()});
    return std::move(*parsed);
}

Expected<std::vector<Mapping>, std::string> parse_mapping_list(const json::value& v) {
    if (!v.is_array()) return unexpected(std::string("mappings: expected a JSON array"));
    std::vector<Mapping> out;
    for (const auto& e : v.as_array()) {
        auto m = parse_mapping(e);
        if (!m) return unexpected(m.error());
        out.push_back(std::move(*m));
    }
    return out;
}
}  // namespace

Expected<std::vector<FrameworkStat>, CatalogError> RemoteSource::stats() {
    const std::string path = "/compliance/stats";
    return decode(get(path), &parse_stats, base_ + path);
}

Expected<std::vector<Requirement>, CatalogError> RemoteSource::requirements(
    std::string_view framework) {
    const std::string path = "/compliance/" + encode_segment(framework) + "/requirements";
    auto rows = decode(get(path), &parse_requirements, base_ + path);
    if (rows && rows->size() > options_.max_requirements)
        return unexpected(CatalogError{CatalogErrorKind::upstream,
                                       "Mapping API " + net::redact_url(base_ + path) +
                                           " answered " + std::to_string(rows->size()) +
                                           " requirements, more than MAPPING_MAX_REQUIREMENTS=" +
                                           std::to_string(options_.max_requirements)});
    return rows;
}

Expected<RequirementDetail, CatalogError> RemoteSource::requirement(std::string_view framework,
                                                                    std::string_view id_or_code) {
    const std::string path = "/compliance/" + encode_segment(framework) + "/requirements/" +
                             encode_segment(id_or_code) + "/mappings";
    return decode(get(path), &parse_detail, base_ + path);
}

Expected<std::vector<Mapping>, CatalogError> RemoteSource::mappings() {
    const std::string path = "/compliance/mappings";
    return decode(get(path), &parse_mapping_list, base_ + path);
}

}  // namespace dspm::catalog
