#include "catalog/source.hpp"

#include <boost/json.hpp>
#include <stdexcept>

#include "catalog/local_source.hpp"
#include "catalog/remote_source.hpp"
#include "common/log.hpp"
#include "net/http_client.hpp"

namespace dspm::catalog {

namespace {

// The remote source, answering from the embedded catalog when the remote fails for reasons other
// than "not found" (a 404 from a healthy remote is an answer, not a failure).
class FallbackSource final : public CatalogSource {
  public:
    FallbackSource(std::shared_ptr<CatalogSource> primary, std::shared_ptr<CatalogSource> fallback)
        : primary_(std::move(primary)), fallback_(std::move(fallback)) {}

    Expected<std::vector<FrameworkStat>, CatalogError> stats() override {
        return route([](CatalogSource& s) { return s.stats(); });
    }
    Expected<std::vector<Requirement>, CatalogError> requirements(std::string_view fw) override {
        return route([fw](CatalogSource& s) { return s.requirements(fw); });
    }
    Expected<RequirementDetail, CatalogError> requirement(std::string_view fw,
                                                          std::string_view id) override {
        return route([fw, id](CatalogSource& s) { return s.requirement(fw, id); });
    }
    Expected<std::vector<Mapping>, CatalogError> mappings() override {
        return route([](CatalogSource& s) { return s.mappings(); });
    }
    std::string source_name() const override { return primary_->source_name(); }
    std::string last_source() const override {
        return last_answer().owner == this ? last_answer().name : source_name();
    }

  private:
    struct LastAnswer {
        const void* owner = nullptr;
        std::string name;
    };
    // Per thread, so concurrent requests each learn which source answered them.
    static LastAnswer& last_answer() {
        thread_local LastAnswer last;
        return last;
    }

    template <class F>
    auto route(F&& call) -> decltype(call(std::declval<CatalogSource&>())) {
        auto answer = call(*primary_);
        if (answer || answer.error().kind != CatalogErrorKind::upstream) {
            last_answer() = {this, primary_->source_name()};
            return answer;
        }
        log::warn("catalog remote failed; answering from the embedded catalog",
                  {{"detail", answer.error().detail}});
        last_answer() = {this, fallback_->source_name()};
        return call(*fallback_);
    }

    std::shared_ptr<CatalogSource> primary_;
    std::shared_ptr<CatalogSource> fallback_;
};

std::shared_ptr<CatalogSource> embedded_or_throw() {
    auto local = LocalSource::embedded();
    if (!local) throw std::runtime_error("embedded catalog is broken: " + local.error());
    return *local;
}

}  // namespace

std::shared_ptr<CatalogSource> make_catalog_source(const Settings& settings,
                                                   std::shared_ptr<net::HttpClient> http) {
    if (!settings.mapping_base_url.empty()) {
        (void)http;  // the Mapping API gets a client bounded for sibling answers
        net::HttpClientOptions sibling;
        sibling.max_response_bytes = settings.sibling_max_response_bytes;
        RemoteOptions options;
        options.max_requirements = settings.mapping_max_requirements;
        auto remote = std::make_shared<RemoteSource>(
            settings.mapping_base_url, std::make_shared<net::HttpClient>(sibling), options);
        if (settings.mapping_fallback == "embedded")
            return std::make_shared<FallbackSource>(remote, embedded_or_throw());
        return remote;
    }
    if (!settings.catalog_dir.empty()) {
        auto dir = LocalSource::directory(settings.catalog_dir);
        if (!dir)
            throw std::runtime_error("CATALOG_DIR " + settings.catalog_dir + ": " + dir.error());
        return *dir;
    }
    return embedded_or_throw();
}

}  // namespace dspm::catalog
