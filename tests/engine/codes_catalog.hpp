#pragma once
// A catalog of one ISMS-P requirement (id 1, item 2.7.1) mapped to the given codes, for tests that
// run a few checks through the engine.
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.hpp"

namespace dspm::test {

class CodesCatalog : public catalog::CatalogSource {
  public:
    explicit CodesCatalog(std::vector<std::string> codes) {
        req_.id = 1;
        req_.item_code = "2.7.1";
        req_.mapping_codes = std::move(codes);
    }
    Expected<std::vector<catalog::FrameworkStat>, catalog::CatalogError> stats() override {
        return std::vector<catalog::FrameworkStat>{};
    }
    Expected<std::vector<catalog::Requirement>, catalog::CatalogError> requirements(
        std::string_view) override {
        return std::vector<catalog::Requirement>{req_};
    }
    Expected<catalog::RequirementDetail, catalog::CatalogError> requirement(
        std::string_view, std::string_view) override {
        return catalog::RequirementDetail{"ISMS-P", req_, {}};
    }
    Expected<std::vector<catalog::Mapping>, catalog::CatalogError> mappings() override {
        return std::vector<catalog::Mapping>{};
    }
    std::string source_name() const override { return "test"; }

  private:
    catalog::Requirement req_;
};

}  // namespace dspm::test
