#pragma once
// Choosing the catalog source from the settings: MAPPING_BASE_URL set → the remote Mapping API
// (with MAPPING_FALLBACK=embedded falling back), CATALOG_DIR set → that directory, else embedded.
#include <memory>

#include "catalog/catalog.hpp"
#include "common/settings.hpp"

namespace dspm::net {
class HttpClient;
}

namespace dspm::catalog {

std::shared_ptr<CatalogSource> make_catalog_source(const Settings& settings,
                                                   std::shared_ptr<net::HttpClient> http);

}  // namespace dspm::catalog
