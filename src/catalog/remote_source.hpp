#pragma once
// The sibling Compliance Mapping API as a catalog source: GET {base}/compliance/stats,
// /compliance/{code}/requirements and /compliance/{code}/requirements/{id}/mappings. Answers are
// cached with their ETag and revalidated with If-None-Match (304 reuses the cached body).
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "catalog/catalog.hpp"

namespace dspm::net {
class HttpClient;
}

namespace dspm::catalog {

struct RemoteOptions {
    std::chrono::milliseconds connect_timeout{2000};
    std::chrono::milliseconds total_timeout{10000};
    // A framework with more requirements is refused (an unbounded catalog once gave 330,000).
    std::size_t max_requirements = 5000;
};

class RemoteSource final : public CatalogSource {
  public:
    RemoteSource(std::string base_url, std::shared_ptr<net::HttpClient> http,
                 RemoteOptions options = {});

    Expected<std::vector<FrameworkStat>, CatalogError> stats() override;
    Expected<std::vector<Requirement>, CatalogError> requirements(
        std::string_view framework) override;
    Expected<RequirementDetail, CatalogError> requirement(std::string_view framework,
                                                          std::string_view id_or_code) override;
    Expected<std::vector<Mapping>, CatalogError> mappings() override;
    std::string source_name() const override { return "remote"; }

    const std::string& base_url() const { return base_; }
    // How many answers were served from the ETag cache after a 304 (for tests and metrics).
    std::size_t revalidated() const;

  private:
    struct Cached {
        std::string etag;
        std::string body;
    };
    // The body of a 200 (or the cached body on 304); errors name the URL.
    Expected<std::string, CatalogError> get(const std::string& path);

    std::string base_;
    std::shared_ptr<net::HttpClient> http_;
    RemoteOptions options_;
    mutable std::mutex mutex_;
    std::map<std::string, Cached> cache_;
    std::size_t revalidated_ = 0;
};

// Percent-encodes one path segment (framework codes and item codes may hold spaces or Korean).
std::string encode_segment(std::string_view segment);

}  // namespace dspm::catalog
