#include "engine/evaluation.hpp"

#include <boost/json/serialize.hpp>
#include <regex>

namespace dspm::engine {

namespace json = boost::json;

std::string_view to_string(Status status) {
    switch (status) {
        case Status::compliant:
            return "COMPLIANT";
        case Status::non_compliant:
            return "NON_COMPLIANT";
        case Status::skipped:
            return "SKIPPED";
        case Status::error:
            return "ERROR";
    }
    return "ERROR";
}

std::optional<Status> parse_status(std::string_view text) {
    for (Status s : {Status::compliant, Status::non_compliant, Status::skipped, Status::error}) {
        if (to_string(s) == text) return s;
    }
    return std::nullopt;
}

void StatusCounts::add(Status status) {
    switch (status) {
        case Status::compliant:
            ++compliant;
            break;
        case Status::non_compliant:
            ++non_compliant;
            break;
        case Status::skipped:
            ++skipped;
            break;
        case Status::error:
            ++error;
            break;
    }
}

Status StatusCounts::rolled_up() const {
    if (non_compliant > 0) return Status::non_compliant;
    if (error > 0) return Status::error;
    if (compliant > 0) return Status::compliant;
    return Status::skipped;
}

json::object StatusCounts::to_json() const {
    return {{"COMPLIANT", compliant},
            {"NON_COMPLIANT", non_compliant},
            {"SKIPPED", skipped},
            {"ERROR", error}};
}

Status roll_up(const std::vector<Status>& statuses) {
    StatusCounts c;
    for (Status s : statuses)
        c.add(s);
    return c.rolled_up();
}

std::string_view to_string(Comparator comparator) {
    switch (comparator) {
        case Comparator::eq:
            return "eq";
        case Comparator::ne:
            return "ne";
        case Comparator::ge:
            return "ge";
        case Comparator::gt:
            return "gt";
        case Comparator::le:
            return "le";
        case Comparator::lt:
            return "lt";
        case Comparator::contains:
            return "contains";
        case Comparator::exists:
            return "exists";
        case Comparator::regex:
            return "regex";
        case Comparator::in:
            return "in";
    }
    return "eq";
}

namespace {

std::string_view symbol(Comparator comparator) {
    switch (comparator) {
        case Comparator::eq:
            return "==";
        case Comparator::ne:
            return "!=";
        case Comparator::ge:
            return ">=";
        case Comparator::gt:
            return ">";
        case Comparator::le:
            return "<=";
        case Comparator::lt:
            return "<";
        case Comparator::contains:
            return "contains";
        case Comparator::exists:
            return "exists";
        case Comparator::regex:
            return "matches";
        case Comparator::in:
            return "in";
    }
    return "==";
}

std::optional<double> as_number(const json::value& v) {
    if (v.is_int64()) return static_cast<double>(v.get_int64());
    if (v.is_uint64()) return static_cast<double>(v.get_uint64());
    if (v.is_double()) return v.get_double();
    return std::nullopt;
}

// Numbers of different JSON kinds (1 vs 1.0 vs uint) are equal when their values are.
bool values_equal(const json::value& a, const json::value& b) {
    auto na = as_number(a);
    auto nb = as_number(b);
    if (na && nb) return *na == *nb;
    return a == b;
}

// -1, 0, 1, or nullopt when the two cannot be ordered.
std::optional<int> order(const json::value& a, const json::value& b) {
    auto na = as_number(a);
    auto nb = as_number(b);
    if (na && nb) return *na < *nb ? -1 : (*na > *nb ? 1 : 0);
    if (a.is_string() && b.is_string()) {
        int c = a.get_string().compare(b.get_string());
        return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    return std::nullopt;
}

bool evaluate(Comparator comparator, const json::value& observed, const json::value& expected) {
    switch (comparator) {
        case Comparator::eq:
            return values_equal(observed, expected);
        case Comparator::ne:
            return !values_equal(observed, expected);
        case Comparator::ge: {
            auto o = order(observed, expected);
            return o && *o >= 0;
        }
        case Comparator::gt: {
            auto o = order(observed, expected);
            return o && *o > 0;
        }
        case Comparator::le: {
            auto o = order(observed, expected);
            return o && *o <= 0;
        }
        case Comparator::lt: {
            auto o = order(observed, expected);
            return o && *o < 0;
        }
        case Comparator::contains:
            if (observed.is_string() && expected.is_string()) {
                return std::string_view(observed.get_string())
                           .find(std::string_view(expected.get_string())) != std::string_view::npos;
            }
            if (observed.is_array()) {
                for (const auto& item : observed.get_array()) {
                    if (values_equal(item, expected)) return true;
                }
            }
            return false;
        case Comparator::exists:
            return !observed.is_null();
        case Comparator::regex:
            if (!observed.is_string() || !expected.is_string()) return false;
            try {
                return std::regex_search(std::string(observed.get_string()),
                                         std::regex(std::string(expected.get_string())));
            } catch (const std::regex_error&) {
                return false;
            }
        case Comparator::in:
            if (!expected.is_array()) return false;
            for (const auto& item : expected.get_array()) {
                if (values_equal(observed, item)) return true;
            }
            return false;
    }
    return false;
}

}  // namespace

Comparison compare(Comparator comparator, const json::value& observed,
                   const json::value& expected) {
    Comparison c;
    c.passed = evaluate(comparator, observed, expected);
    // Appended piecewise: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string.
    c.decision = "observed ";
    c.decision += json::serialize(observed);
    c.decision += ' ';
    c.decision += symbol(comparator);
    if (comparator != Comparator::exists) {
        c.decision += ' ';
        c.decision += json::serialize(expected);
    }
    c.decision += c.passed ? " \u2192 passed" : " \u2192 failed";
    return c;
}

std::string_view to_string(Source source) {
    switch (source) {
        case Source::collector:
            return "collector";
        case Source::aws_sdk:
            return "aws-sdk";
        case Source::snapshot:
            return "snapshot";
    }
    return "aws-sdk";
}

json::object Evaluation::to_json() const {
    json::object o{{"service", service},
                   {"resource_id", resource_id},
                   {"region", region},
                   {"account", account},
                   {"evidence_path", evidence_path},
                   {"checked_field", checked_field},
                   {"comparator", to_string(comparator)},
                   {"expected_value", expected_value},
                   {"observed_value", observed_value},
                   {"passed", passed},
                   {"decision", decision},
                   {"status", to_string(status)},
                   {"source", to_string(source)},
                   {"extra", extra}};
    if (!resource_arn.empty()) o["resource_arn"] = resource_arn;
    if (!remediation_cli.empty()) o["remediation_cli"] = remediation_cli;
    if (muted) {
        o["muted"] = true;
        o["mute"] = mute;
    }
    return o;
}

StatusCounts MappingResult::counts() const {
    StatusCounts c;
    for (const auto& e : evaluations)
        c.add(e.status);
    return c;
}

json::object MappingResult::to_json() const {
    json::array evals;
    evals.reserve(evaluations.size());
    for (const auto& e : evaluations)
        evals.push_back(e.to_json());
    json::object o{{"mapping_code", mapping_code}, {"title", title},
                   {"status", to_string(status)},  {"evaluations", std::move(evals)},
                   {"evidence", evidence},         {"status_counts", counts().to_json()}};
    if (reason) o["reason"] = *reason;
    if (!applicability.empty()) o["applicability"] = applicability;
    if (!severity.empty()) o["severity"] = severity;
    if (muted > 0) {
        o["muted"] = muted;
        o["status_counts"].as_object()["MUTED"] = muted;
        if (status_without_mutes) o["status_without_mutes"] = to_string(*status_without_mutes);
    }
    if (!description.empty()) o["description"] = description;
    if (!remediation.console.empty() || !remediation.cli.empty())
        o["remediation"] = {{"console", remediation.console}, {"cli", remediation.cli}};
    if (!notes.empty()) {
        json::array n;
        for (const auto& s : notes)
            n.push_back(json::string(s));
        o["notes"] = std::move(n);
    }
    return o;
}

}  // namespace dspm::engine
