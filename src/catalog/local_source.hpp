#pragma once
// The catalog held in memory: parsed once from data files (embedded in the binary or read from
// CATALOG_DIR) and indexed by framework (case-insensitive), id and item code.
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "catalog/catalog.hpp"

namespace dspm::catalog {

struct Framework {
    std::string code;  // canonical spelling, "ISMS-P"
    std::string name;
    std::vector<Requirement> requirements;
};

// Reads one file by its path relative to the catalog root ("frameworks/isms-p.json").
using FileReader = std::function<std::optional<std::string>(const std::string& path)>;

class LocalSource final : public CatalogSource {
  public:
    // Parses index.json, mappings.json and every framework file; errors name the file.
    static Expected<std::shared_ptr<LocalSource>, std::string> load(const FileReader& read,
                                                                    std::string name);
    static Expected<std::shared_ptr<LocalSource>, std::string> embedded();
    static Expected<std::shared_ptr<LocalSource>, std::string> directory(const std::string& dir);

    Expected<std::vector<FrameworkStat>, CatalogError> stats() override;
    Expected<std::vector<Requirement>, CatalogError> requirements(
        std::string_view framework) override;
    Expected<RequirementDetail, CatalogError> requirement(std::string_view framework,
                                                          std::string_view id_or_code) override;
    Expected<std::vector<Mapping>, CatalogError> mappings() override;
    std::string source_name() const override { return name_; }
    std::string version() const override { return version_; }

    const std::vector<Framework>& frameworks() const { return frameworks_; }
    const Mapping* find_mapping(std::string_view code) const;
    const Framework* find_framework(std::string_view code) const;

  private:
    std::string name_;
    std::string version_;
    std::vector<Framework> frameworks_;
    std::vector<Mapping> mappings_;
    std::map<std::string, std::size_t> by_lower_code_;
};

std::string to_lower(std::string_view s);

}  // namespace dspm::catalog
