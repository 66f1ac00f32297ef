#pragma once
// The least-privilege IAM policy of an audit: exactly the read actions the selected checks need
// (each check's declared iam_actions, which the moto proof holds to what it reads) and the run's
// own reads, as IAM policy documents that fit AWS's managed-policy size.
#include <boost/json/object.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.hpp"
#include "common/expected.hpp"

namespace dspm::policy {

// A managed policy holds at most 6,144 characters, white space not counted.
inline constexpr std::size_t kManagedPolicyChars = 6144;

struct PolicySet {
    std::vector<std::string> codes;            // implemented codes covered, in catalog order
    std::vector<std::string> not_implemented;  // codes named that no check implements
    std::vector<std::string> actions;          // sorted, without duplicates
    // {"Version":"2012-10-17","Statement":[one per IAM service prefix]}, each within
    // kManagedPolicyChars; several when one would not fit (attach each as its own policy).
    std::vector<boost::json::object> documents;
};

// codes empty: every implemented check. with_writes adds what their fixers write (checks/fix.hpp:
// the actions of each fix's calls and those the fixer declares), for `policy --write`.
PolicySet read_policy(const std::vector<std::string>& codes,
                      std::size_t limit = kManagedPolicyChars, bool with_writes = false);

// The mapping codes an audit of the framework (or of one requirement: id or item code) reads:
// those of its auditable requirements, in catalog order.
Expected<std::vector<std::string>, catalog::CatalogError> codes_of(
    catalog::CatalogSource& source, const std::string& framework,
    const std::optional<std::string>& requirement);

// {codes, not_implemented, actions, documents, document_chars[], limit_chars}
boost::json::object to_json(const PolicySet& set);

}  // namespace dspm::policy
