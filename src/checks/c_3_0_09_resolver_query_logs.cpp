// 3.0-09 Route 53 Resolver query logging: per audited region, at least one query-log
// configuration association in status ACTIVE. The catalog's "ASSOCIATED" is not a value the API
// answers: the model's statuses are CREATING, ACTIVE, ACTION_NEEDED, DELETING and FAILED, and
// ACTIVE is the one that means queries are being logged.
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {

class Check3009ResolverQueryLogs final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{"3.0-09",
                                 "Route53 Resolver Query Logs",
                                 "Route53Resolver",
                                 "low",
                                 {"route53resolver:ListResolverQueryLogConfigAssociations"},
                                 Reach::regional,
                                 Applicability::control};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        static const detection::RegionalCount spec{
            "Route53Resolver",
            "route53resolver",
            "ListResolverQueryLogConfigAssociations",
            {},
            "ResolverQueryLogConfigAssociations",
            "Active query log associations",
            true,
            {},
            [](const json::value& a) { return string_at(a, "Status") == "ACTIVE"; },
            "[?Status=='ACTIVE']",
            "regionsWithQueryLogging"};
        return detection::regional_count(info(), facts, scope, spec);
    }
};

}  // namespace

const Check& check_3_0_09_resolver_query_logs() {
    static const Check3009ResolverQueryLogs check;
    return check;
}

}  // namespace dspm::checks
