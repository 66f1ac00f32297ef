// JUnit XML for CI systems: one test suite per mapping code, one test case per evaluated
// resource; NON_COMPLIANT is a failure, ERROR an error, SKIPPED skipped (a muted failure too, with
// its reason). Written with pugixml, so every text is escaped by the library.
#include <pugixml.hpp>
#include <sstream>

#include "report/writers.hpp"

namespace dspm::report {

namespace {

struct Tally {
    std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
    void set_on(pugi::xml_node node) const {
        node.append_attribute("tests") = static_cast<unsigned long long>(tests);
        node.append_attribute("failures") = static_cast<unsigned long long>(failures);
        node.append_attribute("errors") = static_cast<unsigned long long>(errors);
        node.append_attribute("skipped") = static_cast<unsigned long long>(skipped);
    }
    void add(const Tally& t) {
        tests += t.tests;
        failures += t.failures;
        errors += t.errors;
        skipped += t.skipped;
    }
};

void test_case(pugi::xml_node suite, const MappingView& m, const std::string& name,
               const std::string& status, const std::string& message, const std::string& detail,
               bool muted, const std::string& mute_reason, Tally& tally) {
    auto tc = suite.append_child("testcase");
    tc.append_attribute("classname") = (m.code + " " + m.title).c_str();
    tc.append_attribute("name") = name.c_str();
    ++tally.tests;
    if (muted && status != "COMPLIANT") {
        tc.append_child("skipped").append_attribute("message") = ("muted: " + mute_reason).c_str();
        ++tally.skipped;
    } else if (status == "NON_COMPLIANT") {
        auto f = tc.append_child("failure");
        f.append_attribute("message") = message.c_str();
        f.append_attribute("type") = m.severity.empty() ? "NON_COMPLIANT" : m.severity.c_str();
        f.text() = detail.c_str();
        ++tally.failures;
    } else if (status == "ERROR") {
        auto f = tc.append_child("error");
        f.append_attribute("message") = message.c_str();
        f.text() = detail.c_str();
        ++tally.errors;
    } else if (status == "SKIPPED") {
        tc.append_child("skipped").append_attribute("message") = message.c_str();
        ++tally.skipped;
    }
}

}  // namespace

std::string render_junit(const RunView& view) {
    pugi::xml_document doc;
    auto decl = doc.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "UTF-8";
    auto root = doc.append_child("testsuites");
    root.append_attribute("name") = ("dspm-audit " + view.framework).c_str();
    Tally total;
    for (const auto& m : view.mappings) {
        auto suite = root.append_child("testsuite");
        suite.append_attribute("name") = (view.framework + " " + m.code).c_str();
        if (!view.started_at.empty()) suite.append_attribute("timestamp") = view.started_at.c_str();
        Tally tally;
        if (m.evaluations.empty()) {
            test_case(suite, m, m.code, m.status, m.reason, m.reason, false, "", tally);
        }
        for (const auto& e : m.evaluations) {
            const std::string name = e.resource_id + " [" + e.region + "] " + e.checked_field;
            std::string detail =
                "resource: " + (e.resource_arn.empty() ? e.resource_id : e.resource_arn) +
                "\nfield: " + e.evidence_path + "\nexpected: " + e.comparator + " " + e.expected +
                "\nobserved: " + e.observed;
            if (!e.error.empty()) detail += "\nerror: " + e.error;
            if (!e.remediation_cli.empty()) detail += "\nfix: " + e.remediation_cli;
            test_case(suite, m, name, e.status, e.decision, detail, e.muted, e.mute_reason, tally);
        }
        tally.set_on(suite);
        total.add(tally);
    }
    total.set_on(root);
    std::ostringstream out;
    doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
    return out.str();
}

}  // namespace dspm::report
