// Placeholder until the catalog issue lands.
#include "catalog/source.hpp"

namespace dspm::catalog {
std::shared_ptr<CatalogSource> make_catalog_source(const Settings&,
                                                   std::shared_ptr<net::HttpClient>) {
    return nullptr;
}
}  // namespace dspm::catalog
