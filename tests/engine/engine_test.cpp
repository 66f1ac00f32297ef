// The engine: roll-up, planning (each check once per run), unimplemented and non-auditable
// requirements, progress, cancellation, the per-run cache and collector-first sources.
#include "engine/engine.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <fstream>
#include <future>
#include <optional>
#include <stop_token>
#include <thread>

#include "engine/evaluation.hpp"
#include "engine/fake_aws.hpp"
#include "inventory/facts.hpp"

namespace {

namespace json = boost::json;
using dspm::engine::Comparator;
using dspm::engine::Status;
using dspm::test::FakeAwsClient;

TEST(RollUp, FollowsTheFixedOrder) {
    using dspm::engine::roll_up;
    EXPECT_EQ(roll_up({}), Status::skipped);
    EXPECT_EQ(roll_up({Status::skipped, Status::compliant}), Status::compliant);
    EXPECT_EQ(roll_up({Status::compliant, Status::error}), Status::error);
    EXPECT_EQ(roll_up({Status::error, Status::non_compliant, Status::compliant}),
              Status::non_compliant);
    dspm::engine::StatusCounts c;
    c.add(Status::error);
    c.add(Status::skipped);
    EXPECT_EQ(c.to_json().at("ERROR").as_uint64(), 1u);
    EXPECT_EQ(c.rolled_up(), Status::error);
}

TEST(Comparator, DecisionsReadLikeTheSeed) {
    using dspm::engine::compare;
    auto c = compare(Comparator::eq, json::string("AES256"), json::string("aws:kms"));
    EXPECT_FALSE(c.passed);
    EXPECT_EQ(c.decision, "observed \"AES256\" == \"aws:kms\" \u2192 failed");
    EXPECT_TRUE(compare(Comparator::eq, 1, 1.0).passed);
    EXPECT_TRUE(compare(Comparator::le, 3, 20).passed);
    EXPECT_FALSE(compare(Comparator::gt, 3, 20).passed);
    EXPECT_TRUE(compare(Comparator::in, json::string("https-only"),
                        json::array{"redirect-to-https", "https-only"})
                    .passed);
    EXPECT_TRUE(
        compare(Comparator::contains, json::string("aws:kms:dsse"), json::string("kms")).passed);
    EXPECT_FALSE(compare(Comparator::exists, nullptr, nullptr).passed);
    EXPECT_EQ(compare(Comparator::exists, json::string("x"), nullptr).decision,
              "observed \"x\" exists \u2192 passed");
    EXPECT_TRUE(
        compare(Comparator::regex, json::string("prod-logs"), json::string("^prod-")).passed);
    EXPECT_FALSE(compare(Comparator::ne, json::string("a"), json::string("a")).passed);
}

TEST(EvaluationJson, CarriesTheFixedFields) {
    dspm::engine::Evaluation e;
    e.service = "S3";
    e.resource_id = "b";
    e.status = Status::non_compliant;
    auto o = e.to_json();
    for (const char* k : {"service", "resource_id", "evidence_path", "checked_field", "comparator",
                          "expected_value", "observed_value", "passed", "decision", "status",
                          "source", "extra", "region", "account"})
        EXPECT_TRUE(o.contains(k)) << k;
    EXPECT_EQ(o.at("status").as_string(), "NON_COMPLIANT");
    EXPECT_EQ(o.at("source").as_string(), "aws-sdk");
}

// An in-memory catalog.
class FakeCatalog : public dspm::catalog::CatalogSource {
  public:
    std::vector<dspm::catalog::Requirement> reqs;
    dspm::Expected<std::vector<dspm::catalog::FrameworkStat>, dspm::catalog::CatalogError> stats()
        override {
        return std::vector<dspm::catalog::FrameworkStat>{{"ISMS-P", static_cast<int>(reqs.size())}};
    }
    dspm::Expected<std::vector<dspm::catalog::Requirement>, dspm::catalog::CatalogError>
    requirements(std::string_view fw) override {
        if (fw != "ISMS-P" && fw != "isms-p")
            return dspm::unexpected(dspm::catalog::CatalogError{
                dspm::catalog::CatalogErrorKind::not_found, "unknown framework"});
        return reqs;
    }
    dspm::Expected<dspm::catalog::RequirementDetail, dspm::catalog::CatalogError> requirement(
        std::string_view fw, std::string_view id) override {
        for (const auto& r : reqs)
            if ((fw == "ISMS-P" || fw == "isms-p") &&
                (std::to_string(r.id) == id || r.item_code == id))
                return dspm::catalog::RequirementDetail{"ISMS-P", r, {}};
        return dspm::unexpected(dspm::catalog::CatalogError{
            dspm::catalog::CatalogErrorKind::not_found, "no such requirement"});
    }
    dspm::Expected<std::vector<dspm::catalog::Mapping>, dspm::catalog::CatalogError> mappings()
        override {
        dspm::catalog::Mapping m;
        m.code = "99.0-01";
        m.service = "KMS";
        return std::vector<dspm::catalog::Mapping>{m};
    }
    std::string source_name() const override { return "fake"; }
};

dspm::catalog::Requirement req(int id, std::string code, std::vector<std::string> codes) {
    dspm::catalog::Requirement r;
    r.id = id;
    r.item_code = std::move(code);
    r.title = "req " + std::to_string(id);
    r.mapping_codes = std::move(codes);
    return r;
}

void scripted_account(FakeAwsClient& aws) {
    aws.on_json(
        "s3", "ListBuckets",
        R"({"Buckets":[{"Name":"a","BucketRegion":"us-east-1"},{"Name":"b","BucketRegion":"us-east-1"}]})");
    aws.on_json(
        "s3", "GetBucketEncryption",
        R"({"ServerSideEncryptionConfiguration":{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms"}}]}})");
    aws.on_json("iam", "GetAccountSummary", R"({"SummaryMap":{"AccountMFAEnabled":0}})");
}

struct EngineFixture {
    std::shared_ptr<FakeAwsClient> aws = std::make_shared<FakeAwsClient>();
    std::shared_ptr<FakeCatalog> catalog = std::make_shared<FakeCatalog>();
    dspm::Settings settings;
    EngineFixture() {
        settings.aws_region = "us-east-1";
        settings.audit_concurrency = 4;
        scripted_account(*aws);
    }
    dspm::engine::Engine engine(std::shared_ptr<dspm::inventory::CollectorSource> c = nullptr) {
        return dspm::engine::Engine(settings, aws, catalog, std::move(c));
    }
};

TEST(Engine, SharedCheckRunsOncePerRun) {
    EngineFixture f;
    f.catalog->reqs = {req(1, "2.7.1", {"2.0-01"}), req(2, "2.7.2", {"2.0-01", "1.0-06"}),
                       req(3, "2.7.3", {"2.0-01"})};
    auto engine = f.engine();
    auto plan = engine.plan("ISMS-P", std::nullopt);
    ASSERT_TRUE(plan);
    auto run = engine.run(*plan);
    ASSERT_EQ(run.results.size(), 3u);
    // One set of reads for 2.0-01 although three requirements need it.
    EXPECT_EQ(f.aws->count("s3:ListBuckets"), 1u);
    EXPECT_EQ(f.aws->count("s3:GetBucketEncryption"), 2u);
    EXPECT_EQ(f.aws->count("sts:GetCallerIdentity"), 1u);
    EXPECT_EQ(run.summary.checks_run, 2u);
    EXPECT_EQ(run.results[0].status, Status::compliant);
    EXPECT_EQ(run.results[1].status, Status::non_compliant);  // root MFA off
    EXPECT_EQ(run.summary.status, Status::non_compliant);
    EXPECT_EQ(run.summary.account, "123456789012");
    EXPECT_EQ(run.summary.aws_calls, f.aws->calls().size());
    EXPECT_EQ(run.summary.requirements.compliant, 2u);
    // Every evaluation names its account and region.
    for (const auto& m : run.results[0].results)
        for (const auto& e : m->evaluations) {
            EXPECT_EQ(e.account, "123456789012");
            EXPECT_EQ(e.region, "us-east-1");
        }
}

TEST(Engine, UnimplementedAndNonAuditableAreSkippedWithReasons) {
    EngineFixture f;
    auto na = req(2, "1.1.1", {"2.0-01"});
    na.auditable = false;
    na.not_auditable_reason = "management policy: reviewed by people";
    f.catalog->reqs = {req(1, "2.9.1", {"99.0-01"}), na, req(3, "2.9.3", {})};
    auto engine = f.engine();
    auto run = engine.run(*engine.plan("ISMS-P", std::nullopt));
    ASSERT_EQ(run.results.size(), 3u);
    EXPECT_EQ(run.results[0].status, Status::skipped);
    ASSERT_EQ(run.results[0].results.size(), 1u);
    EXPECT_EQ(*run.results[0].results[0]->reason, "not implemented: 99.0-01");
    EXPECT_EQ(run.results[0].results[0]->title, "KMS");
    EXPECT_EQ(run.results[1].status, Status::skipped);
    EXPECT_EQ(*run.results[1].reason, "management policy: reviewed by people");
    EXPECT_EQ(run.summary.not_implemented, std::vector<std::string>{"99.0-01"});
    EXPECT_EQ(f.aws->calls().size(), 0u);  // nothing to read
}

TEST(Engine, UnknownFrameworkOrRequirementIsNotFound) {
    EngineFixture f;
    f.catalog->reqs = {req(1, "2.7.1", {"2.0-01"})};
    auto engine = f.engine();
    EXPECT_FALSE(engine.plan("NOPE", std::nullopt));
    auto p = engine.plan("ISMS-P", std::string("99"));
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().kind, dspm::catalog::CatalogErrorKind::not_found);
    auto by_code = engine.plan("ISMS-P", std::string("2.7.1"));
    ASSERT_TRUE(by_code);
    auto single = dspm::engine::single_response(engine.run(*by_code));
    EXPECT_EQ(single.at("requirement_status").as_string(), "COMPLIANT");
    EXPECT_EQ(single.at("item_code").as_string(), "2.7.1");
    EXPECT_TRUE(single.at("summary").as_object().contains("aws_calls"));
}

TEST(Engine, ProgressOncePerRequirementAndCancellation) {
    EngineFixture f;
    f.catalog->reqs = {req(1, "a", {"2.0-01"}), req(2, "b", {"1.0-06"}), req(3, "c", {"99.0-01"})};
    auto engine = f.engine();
    std::vector<int> seen;
    dspm::engine::RunOptions opts;
    opts.progress = [&](const dspm::engine::RequirementResult& r, std::size_t done,
                        std::size_t total) {
        seen.push_back(r.requirement.id);
        EXPECT_EQ(done, seen.size());
        EXPECT_EQ(total, 3u);
    };
    auto run = engine.run(*engine.plan("ISMS-P", std::nullopt), opts);
    EXPECT_EQ(seen.size(), 3u);
    EXPECT_EQ(seen.front(), 3);  // the unimplemented one is ready first

    std::atomic<bool> stop{true};
    dspm::engine::RunOptions cancel;
    cancel.stop = &stop;
    auto cancelled = engine.run(*engine.plan("ISMS-P", std::nullopt), cancel);
    EXPECT_TRUE(cancelled.summary.cancelled);
    EXPECT_EQ(cancelled.results[0].status, Status::error);
}

TEST(Engine, AllRegionsComeFromDescribeRegions) {
    EngineFixture f;
    f.settings.audit_regions = {"all"};
    f.aws->on_json("ec2", "DescribeRegions",
                   R"({"Regions":[{"RegionName":"us-east-1"},{"RegionName":"ap-northeast-2"}]})");
    f.aws->on_json("redshift", "DescribeClusters", R"({"Clusters":[]})");
    f.catalog->reqs = {req(1, "a", {"2.0-04"})};
    auto engine = f.engine();
    auto run = engine.run(*engine.plan("ISMS-P", std::nullopt));
    EXPECT_EQ(run.summary.regions, (std::vector<std::string>{"ap-northeast-2", "us-east-1"}));
    EXPECT_EQ(f.aws->count("redshift:DescribeClusters"), 2u);
    EXPECT_EQ(run.results[0].status, Status::skipped);
}

// A DescribeRegions answer names hosts the audit will sign requests for: a name outside the
// partitions' grammar is dropped with a warning, never audited; region lists handed to the engine
// by a library caller get the same treatment.
TEST(Engine, RegionNamesFromAnswersAndCallersAreValidated) {
    EngineFixture f;
    f.settings.audit_regions = {"all"};
    f.aws->on_json("ec2", "DescribeRegions",
                   R"({"Regions":[{"RegionName":"eu-west-1"},
                                  {"RegionName":"x@127.0.0.1:5991/"},
                                  {"RegionName":"us-east-1.evil"}]})");
    f.aws->on_json("redshift", "DescribeClusters", R"({"Clusters":[]})");
    f.catalog->reqs = {req(1, "a", {"2.0-04"})};
    auto engine = f.engine();
    auto run = engine.run(*engine.plan("ISMS-P", std::nullopt));
    EXPECT_EQ(run.summary.regions, (std::vector<std::string>{"eu-west-1"}));
    EXPECT_EQ(f.aws->count("redshift:DescribeClusters"), 1u);
    int warned = 0;
    for (const auto& w : run.summary.warnings)
        warned += w.find("invalid region name") != std::string::npos;
    EXPECT_EQ(warned, 2);

    dspm::engine::RunOptions options;
    options.regions = {"ap-northeast-2", "x.evil/", "ap-northeast-2"};
    auto direct = engine.run(*engine.plan("ISMS-P", std::nullopt), options);
    EXPECT_EQ(direct.summary.regions, (std::vector<std::string>{"ap-northeast-2"}));
}

// With no region named, the run covers every region enabled for the account (DescribeRegions
// without AllRegions answers those; an opt-in region not opted in is skipped should it appear).
TEST(Engine, NoRegionNamedAuditsEveryEnabledRegion) {
    EngineFixture f;
    f.aws->on_json("ec2", "DescribeRegions", R"({"Regions":[
        {"RegionName":"eu-west-1","Endpoint":"ec2.eu-west-1.amazonaws.com","OptInStatus":"opt-in-not-required"},
        {"RegionName":"ap-east-1","Endpoint":"ec2.ap-east-1.amazonaws.com","OptInStatus":"opted-in"},
        {"RegionName":"me-south-1","Endpoint":"ec2.me-south-1.amazonaws.com","OptInStatus":"not-opted-in"},
        {"RegionName":"us-east-1","Endpoint":"ec2.us-east-1.amazonaws.com","OptInStatus":"opt-in-not-required"}]})");
    f.aws->on_json("redshift", "DescribeClusters", R"({"Clusters":[]})");
    f.catalog->reqs = {req(1, "a", {"2.0-04"})};
    auto engine = f.engine();
    auto run = engine.run(*engine.plan("ISMS-P", std::nullopt));
    EXPECT_EQ(run.summary.regions,
              (std::vector<std::string>{"ap-east-1", "eu-west-1", "us-east-1"}));
    EXPECT_EQ(run.summary.region_scope, "enabled");
    EXPECT_EQ(run.summary.to_json().at("region_scope"), "enabled");
    EXPECT_EQ(f.aws->count("redshift:DescribeClusters"), 3u);
    for (const auto& c : f.aws->calls())
        EXPECT_NE(c.region, "me-south-1") << c.op;
    EXPECT_EQ(run.results[0].results[0]->applicability, "resource_setting");
    EXPECT_EQ(run.results[0].results[0]->to_json().at("applicability"), "resource_setting");

    // Named regions narrow it, and the account's list is not read.
    dspm::engine::RunOptions options;
    options.regions = {"eu-west-1"};
    auto narrowed = engine.run(*engine.plan("ISMS-P", std::nullopt), options);
    EXPECT_EQ(narrowed.summary.regions, std::vector<std::string>{"eu-west-1"});
    EXPECT_EQ(narrowed.summary.region_scope, "requested");
    EXPECT_EQ(f.aws->count("ec2:DescribeRegions"), 1u);
}

// A run that could not list the regions audits the home region and says, in every regional
// result, that the others were not seen: an ERROR naming ec2:DescribeRegions, never a SKIPPED or
// COMPLIANT that reads as the whole account. Global checks (IAM) are whole either way.
TEST(Engine, UnlistedRegionsAreAnErrorInEveryRegionalResult) {
    EngineFixture f;
    f.aws->deny("ec2", "DescribeRegions", "ec2:DescribeRegions");
    f.aws->on_json("redshift", "DescribeClusters", R"({"Clusters":[]})");
    f.aws->on_json("guardduty", "ListDetectors", R"({"DetectorIds":["d1"]})");
    f.aws->on_json("guardduty", "GetDetector", R"({"Status":"ENABLED"})");
    f.catalog->reqs = {req(1, "a", {"2.0-04", "1.0-06"})};
    auto engine = f.engine();
    auto run = engine.run(*engine.plan("ISMS-P", std::nullopt));
    EXPECT_EQ(run.summary.regions, std::vector<std::string>{"us-east-1"});
    bool warned = false;
    for (const auto& w : run.summary.warnings)
        warned = warned || w.find("could not be listed") != std::string::npos;
    EXPECT_TRUE(warned);
    ASSERT_EQ(run.results.size(), 1u);
    for (const auto& m : run.results[0].results) {
        if (m->mapping_code == "2.0-04") {
            EXPECT_EQ(m->status, Status::error);
            ASSERT_FALSE(m->evaluations.empty());
            const auto& gap = m->evaluations.back();
            EXPECT_EQ(gap.status, Status::error);
            EXPECT_EQ(gap.resource_id, "other enabled regions");
            EXPECT_EQ(gap.extra.at("missingPermissions").as_array().at(0), "ec2:DescribeRegions");
            EXPECT_NE(std::string(gap.extra.at("note").as_string()).find("only us-east-1"),
                      std::string::npos);
        } else {
            EXPECT_EQ(m->mapping_code, "1.0-06");
            EXPECT_EQ(m->status, Status::non_compliant);  // AccountMFAEnabled 0, read whole
            for (const auto& e : m->evaluations)
                EXPECT_NE(e.resource_id, "other enabled regions");
        }
    }
}

TEST(Engine, CheckTimeoutIsAnError) {
    EngineFixture f;
    f.aws->on("iam", "GetAccountSummary",
              [](const json::object&, const std::string&) -> FakeAwsClient::Result {
                  dspm::exec::sleep_for(std::chrono::milliseconds(300));
                  return json::parse(R"({"SummaryMap":{"AccountMFAEnabled":1}})");
              });
    f.catalog->reqs = {req(1, "a", {"1.0-06"})};
    dspm::engine::EngineOptions o;
    o.check_timeout = std::chrono::milliseconds(50);
    dspm::engine::Engine engine(f.settings, f.aws, f.catalog, nullptr, o);
    auto run = engine.run(*engine.plan("ISMS-P", std::nullopt));
    EXPECT_EQ(run.results[0].status, Status::error);
    EXPECT_NE(run.results[0].results[0]->reason->find("timeout"), std::string::npos);
}

// The run reads sts:GetCallerIdentity before it knows the account; a check asking for it later
// (under the account's key) is answered from the cache, not by a second call.
TEST(FactCache, AReadBeforeTheAccountIsKnownCountsForTheAccount) {
    auto aws = std::make_shared<FakeAwsClient>();
    aws->on_json("sts", "GetCallerIdentity", R"({"Account":"123456789012"})");
    dspm::inventory::CachedFacts facts(aws, nullptr);
    ASSERT_TRUE(facts.aws("sts", "GetCallerIdentity", {}));
    facts.set_account("123456789012");
    ASSERT_TRUE(facts.aws("sts", "GetCallerIdentity", {}));
    EXPECT_EQ(aws->count("sts:GetCallerIdentity"), 1u);
    EXPECT_EQ(facts.cache_hits(), 1u);
}

TEST(FactCache, ConcurrentIdenticalReadsMakeOneCall) {
    auto aws = std::make_shared<FakeAwsClient>();
    aws->on_json("s3", "ListBuckets", R"({"Buckets":[]})");
    aws->set_delay(std::chrono::milliseconds(100));
    dspm::inventory::CachedFacts facts(aws, nullptr, "1");
    std::vector<std::jthread> threads;
    std::atomic<int> ok{0};
    for (int i = 0; i < 8; ++i)
        threads.emplace_back(
            [&] { ok += facts.aws("s3", "ListBuckets", {}, "us-east-1").has_value(); });
    threads.clear();
    EXPECT_EQ(ok.load(), 8);
    EXPECT_EQ(aws->count("s3:ListBuckets"), 1u);
    EXPECT_EQ(facts.aws_reads(), 1u);
    EXPECT_EQ(facts.cache_hits(), 7u);
    // Parameter order does not matter; the region does.
    (void)facts.aws("s3", "GetBucketEncryption", {{"Bucket", "a"}, {"X", 1}}, "us-east-1");
    (void)facts.aws("s3", "GetBucketEncryption", {{"X", 1}, {"Bucket", "a"}}, "us-east-1");
    (void)facts.aws("s3", "GetBucketEncryption", {{"X", 1}, {"Bucket", "a"}}, "eu-west-1");
    EXPECT_EQ(aws->count("s3:GetBucketEncryption"), 2u);
}

// A collector as a test double: rows as the Collector API would return them.
class FakeCollector : public dspm::inventory::CollectorSource {
  public:
    std::map<std::string, std::string> rows_by_kind;
    bool down = false;
    dspm::inventory::CollectorResult rows(std::string_view kind) override {
        if (down) return dspm::unexpected(std::string("connection refused"));
        auto it = rows_by_kind.find(std::string(kind));
        if (it == rows_by_kind.end()) return json::array{};
        return json::parse(it->second).as_array();
    }
};

TEST(CollectorFirst, FullRowsNarrowRowsAndCollectorDown) {
    EngineFixture f;
    f.catalog->reqs = {req(1, "a", {"2.0-01", "2.0-03"})};
    auto collector = std::make_shared<FakeCollector>();
    collector->rows_by_kind["s3-buckets"] = R"([
        {"name":"full","region":"us-east-1","server_side_encryption_configuration":{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}},
        {"name":"narrow","region":"us-east-1"}])";
    collector->rows_by_kind["dynamodb-tables"] =
        R"([{"name":"t1","region":"us-east-1","sse_description":{"Status":"ENABLED","SSEType":"KMS"}}])";
    auto engine = f.engine(collector);
    auto run = engine.run(*engine.plan("ISMS-P", std::nullopt));
    const auto& s3 = *run.results[0].results[0];
    ASSERT_EQ(s3.evaluations.size(), 2u);
    EXPECT_EQ(s3.evaluations[0].source, dspm::engine::Source::collector);
    EXPECT_EQ(s3.evaluations[0].status, Status::non_compliant);
    EXPECT_EQ(s3.evaluations[1].source, dspm::engine::Source::aws_sdk);  // narrow row: AWS read
    EXPECT_EQ(s3.evaluations[1].status, Status::compliant);
    EXPECT_EQ(f.aws->count("s3:ListBuckets"), 0u);
    EXPECT_EQ(f.aws->count("s3:GetBucketEncryption"), 1u);
    EXPECT_EQ(f.aws->count("dynamodb:ListTables"), 0u);
    EXPECT_EQ(run.results[0].results[1]->status, Status::compliant);

    EngineFixture g;
    g.catalog->reqs = {req(1, "a", {"2.0-01"})};
    auto down = std::make_shared<FakeCollector>();
    down->down = true;
    auto engine2 = g.engine(down);
    auto run2 = engine2.run(*engine2.plan("ISMS-P", std::nullopt));
    const auto& s3b = *run2.results[0].results[0];
    EXPECT_EQ(s3b.status, Status::compliant);
    EXPECT_EQ(g.aws->count("s3:ListBuckets"), 1u);
    ASSERT_EQ(s3b.notes.size(), 1u);
    EXPECT_NE(s3b.notes[0].find("collector unavailable"), std::string::npos);
    EXPECT_EQ(s3b.evaluations[0].source, dspm::engine::Source::aws_sdk);
}

}  // namespace

namespace {

TEST(Engine, SequentialModeSharesNothingBetweenRequirements) {
    EngineFixture f;
    f.settings.audit_mode = "sequential";
    f.catalog->reqs = {req(1, "2.7.1", {"2.0-01"}), req(2, "2.7.2", {"2.0-01", "1.0-06"}),
                       req(3, "2.7.3", {"2.0-01"})};
    auto engine = f.engine();
    auto plan = engine.plan("ISMS-P", std::nullopt);
    ASSERT_TRUE(plan);
    std::vector<std::size_t> progress;
    dspm::engine::RunOptions options;
    options.progress = [&](const auto&, std::size_t done, std::size_t) {
        progress.push_back(done);
    };
    auto run = engine.run(*plan, options);
    ASSERT_EQ(run.results.size(), 3u);
    // The seed's way: each requirement re-runs 2.0-01 with its own reads.
    EXPECT_EQ(f.aws->count("s3:ListBuckets"), 3u);
    EXPECT_EQ(f.aws->count("s3:GetBucketEncryption"), 6u);
    EXPECT_EQ(run.summary.mode, "sequential");
    EXPECT_EQ(run.results[1].status, Status::non_compliant);
    EXPECT_EQ(progress, (std::vector<std::size_t>{1, 2, 3}));
}

TEST(Engine, CallsInFlightNeverExceedAuditConcurrency) {
    EngineFixture f;
    f.settings.audit_concurrency = 3;
    json::array buckets;
    for (int i = 0; i < 24; ++i) {
        std::string name = "b";  // built piecewise: GCC 12 -Wrestrict false positive otherwise
        name += std::to_string(i);
        buckets.push_back(json::object{{"Name", name}, {"BucketRegion", "us-east-1"}});
    }
    f.aws->on("s3", "ListBuckets", json::value{{"Buckets", buckets}});
    std::atomic<int> in_flight{0}, peak{0};
    f.aws->on(
        "s3", "GetBucketEncryption",
        [&](const json::object&, const std::string&) -> FakeAwsClient::Result {
            const int now = ++in_flight;
            int seen = peak.load();
            while (now > seen && !peak.compare_exchange_weak(seen, now)) {
            }
            dspm::exec::sleep_for(std::chrono::milliseconds(5));
            --in_flight;
            return json::parse(
                R"({"ServerSideEncryptionConfiguration":{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms"}}]}})");
        });
    f.catalog->reqs = {req(1, "2.7.1", {"2.0-01"})};
    auto engine = f.engine();
    auto plan = engine.plan("ISMS-P", std::nullopt);
    ASSERT_TRUE(plan);
    auto run = engine.run(*plan);
    EXPECT_EQ(f.aws->count("s3:GetBucketEncryption"), 24u);
    EXPECT_EQ(run.results[0].status, Status::compliant);
    EXPECT_LE(peak.load(), 3);
    EXPECT_GE(peak.load(), 2);  // and the reads did overlap
}

}  // namespace

namespace {

TEST(Engine, WholeFrameworkReportsEveryRowAndCountsControlsInTheSummary) {
    EngineFixture f;
    auto control = req(1, "2.5.1", {"2.0-01", "1.0-06"});
    auto checkpoint = req(2, "2.5.1.2", {"2.0-01"});
    checkpoint.parent = "2.5.1";
    auto orphan = req(3, "9.9.9.9", {"1.0-06"});
    orphan.parent = "9.9.9";  // its control is not in the catalog: audited on its own
    f.catalog->reqs = {control, checkpoint, orphan};
    auto engine = f.engine();
    auto plan = engine.plan("ISMS-P", std::nullopt);
    ASSERT_TRUE(plan);
    // Every listed row gets a status (clients show them all); the checkpoint is reported beside
    // its control but only the controls and the orphan are counted in the summary.
    ASSERT_EQ(plan->requirements.size(), 3u);
    EXPECT_EQ(plan->requirements[1].item_code, "2.5.1.2");
    EXPECT_EQ(plan->checkpoints_folded, 1u);
    EXPECT_EQ(plan->in_summary, (std::vector<bool>{true, false, true}));
    // A checkpoint stays auditable by itself.
    auto single = engine.plan("ISMS-P", std::string("2.5.1.2"));
    ASSERT_TRUE(single);
    EXPECT_EQ(single->requirements.at(0).item_code, "2.5.1.2");
    auto run = engine.run(*plan);
    ASSERT_EQ(run.results.size(), 3u);
    EXPECT_EQ(run.summary.requirements.total(), 2u);
    // The checkpoint shares its control's result for the code they have in common.
    EXPECT_EQ(run.results[1].results.at(0).get(), run.results[0].results.at(0).get());
    const auto doc = dspm::engine::all_response(run);
    EXPECT_EQ(doc.at("checkpoints_in_controls").to_number<int>(), 1);
    EXPECT_EQ(doc.at("controls").to_number<int>(), 2);
    EXPECT_EQ(doc.at("total_requirements").to_number<int>(), 3);
    const auto& rows = doc.at("results").as_array();
    EXPECT_EQ(rows[1].at("parent"), json::value("2.5.1"));
    EXPECT_EQ(rows[1].at("in_summary"), json::value(false));
    EXPECT_FALSE(rows[0].as_object().contains("in_summary"));
    EXPECT_FALSE(rows[2].as_object().contains("in_summary"));
    // The original service's flat counts beside ours.
    for (const auto& row : rows)
        EXPECT_EQ(row.at("summary"), row.at("status_counts"));
    EXPECT_EQ(doc.at("summary").at("NON_COMPLIANT"),
              doc.at("summary").at("mapping_counts").at("NON_COMPLIANT"));
}

}  // namespace

namespace {

TEST(Engine, FrameworkAnswerAsTextEqualsTheJsonAnswerAndSharesResults) {
    EngineFixture f;
    f.catalog->reqs = {req(1, "2.7.1", {"2.0-01"}), req(2, "2.7.2", {"2.0-01", "1.0-06"}),
                       req(3, "2.7.3", {"99.0-01"})};
    auto engine = f.engine();
    auto plan = engine.plan("ISMS-P", std::nullopt);
    ASSERT_TRUE(plan);
    auto run = engine.run(*plan);
    // Two requirements naming 2.0-01 hold the same result object, not copies of it.
    EXPECT_EQ(run.results[0].results[0].get(), run.results[1].results[0].get());
    const auto text = dspm::engine::all_response_text(run);
    EXPECT_EQ(json::parse(text), json::value(dspm::engine::all_response(run)));
    EXPECT_EQ(json::parse(dspm::engine::requirement_text(run.results[1])),
              json::value(run.results[1].to_json()));
}

}  // namespace

namespace {

TEST(Engine, CancellingStopsReadsInsideARunningCheck) {
    EngineFixture f;
    f.settings.audit_concurrency = 2;
    json::array buckets;
    for (int i = 0; i < 40; ++i) {
        std::string name = "b";
        name += std::to_string(i);
        buckets.push_back(json::object{{"Name", name}, {"BucketRegion", "us-east-1"}});
    }
    f.aws->on("s3", "ListBuckets", json::value{{"Buckets", buckets}});
    f.aws->set_delay(std::chrono::milliseconds(20));
    f.catalog->reqs = {req(1, "2.7.1", {"2.0-01"})};
    auto engine = f.engine();
    auto plan = engine.plan("ISMS-P", std::nullopt);
    ASSERT_TRUE(plan);
    std::atomic<bool> stop{false};
    dspm::engine::RunOptions options;
    options.stop = &stop;
    std::jthread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(120));
        stop = true;
    });
    auto run = engine.run(*plan, options);
    // 40 buckets at 2 in flight and 20 ms each would take 400 ms of reads; the stop cuts them off.
    EXPECT_LT(f.aws->count("s3:GetBucketEncryption"), 40u);
    EXPECT_TRUE(run.summary.cancelled);
    EXPECT_EQ(run.results.at(0).status, Status::error);  // never COMPLIANT about unread buckets
}

}  // namespace

namespace {

// Threads of this process now (Linux).
int thread_count() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
    return -1;
}

json::value many_buckets(int n) {
    json::array buckets;
    for (int i = 0; i < n; ++i) {
        std::string name = "b";
        name += std::to_string(i);
        buckets.push_back(json::object{{"Name", name}, {"BucketRegion", "us-east-1"}});
    }
    return json::value{{"Buckets", buckets}};
}

// The issue's numbers: a check past its timeout kept reading for a minute after the answer. Now
// the answer is final when run() returns: no call starts afterwards and no thread of it is left.
TEST(Engine, NothingOfARunReadsAwsAfterItReturns) {
    EngineFixture f;
    f.settings.audit_concurrency = 2;
    f.aws->on("s3", "ListBuckets", many_buckets(60));
    f.aws->set_delay(std::chrono::milliseconds(20));
    f.catalog->reqs = {req(1, "2.7.1", {"2.0-01"})};
    dspm::engine::EngineOptions o;
    o.check_timeout = std::chrono::milliseconds(100);
    dspm::engine::Engine engine(f.settings, f.aws, f.catalog, nullptr, o);
    auto plan = engine.plan("ISMS-P", std::nullopt);
    ASSERT_TRUE(plan);
    const int threads_before = thread_count();
    const auto t0 = std::chrono::steady_clock::now();
    auto run = engine.run(*plan);
    const auto took = std::chrono::steady_clock::now() - t0;
    const auto calls_at_return = f.aws->calls().size();
    EXPECT_NE(run.results.at(0).results.at(0)->reason->find("timeout"), std::string::npos);
    // The reads at AWS when the timeout struck (20 ms each) were waited for, nothing more.
    EXPECT_LT(took, std::chrono::milliseconds(1000));
    EXPECT_LE(thread_count(), threads_before);
    // 60 buckets at 2 in flight and 20 ms each would go on for ~500 ms after the timeout.
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    EXPECT_EQ(f.aws->calls().size(), calls_at_return);
    EXPECT_LT(f.aws->count("s3:GetBucketEncryption"), 60u);
}

// A timed-out check stops reading at its timeout, while the rest of the run goes on.
TEST(Engine, TimedOutCheckStopsReadingWhileTheRunGoesOn) {
    EngineFixture f;
    f.settings.audit_concurrency = 1;  // checks one after another: 2.0-01, then 1.0-06
    f.aws->on("s3", "ListBuckets", many_buckets(60));
    f.aws->on(
        "s3", "GetBucketEncryption",
        [](const json::object&, const std::string&) -> FakeAwsClient::Result {
            dspm::exec::sleep_for(std::chrono::milliseconds(20));
            return json::parse(
                R"({"ServerSideEncryptionConfiguration":{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms"}}]}})");
        });
    f.aws->on("iam", "GetAccountSummary",
              [](const json::object&, const std::string&) -> FakeAwsClient::Result {
                  dspm::exec::sleep_for(std::chrono::milliseconds(150));
                  return json::parse(R"({"SummaryMap":{"AccountMFAEnabled":1}})");
              });
    f.catalog->reqs = {req(1, "2.7.1", {"2.0-01"}), req(2, "2.7.2", {"1.0-06"})};
    dspm::engine::EngineOptions o;
    o.check_timeout = std::chrono::milliseconds(200);
    dspm::engine::Engine engine(f.settings, f.aws, f.catalog, nullptr, o);
    auto plan = engine.plan("ISMS-P", std::nullopt);
    ASSERT_TRUE(plan);
    std::size_t at_timeout = 0;
    dspm::engine::RunOptions options;
    options.progress = [&](const dspm::engine::RequirementResult& r, std::size_t, std::size_t) {
        if (r.requirement.id == 1) at_timeout = f.aws->count("s3:GetBucketEncryption");
    };
    auto run = engine.run(*plan, options);
    EXPECT_EQ(run.results.at(0).status, Status::error);
    EXPECT_EQ(run.results.at(1).status, Status::compliant);
    // At most the one read that had passed the gate when the timeout struck; before, the check
    // went on reading while 1.0-06 ran (~7 more).
    EXPECT_LE(f.aws->count("s3:GetBucketEncryption"), at_timeout + 1);
}

// The HTTP layer's token: requesting it mid-run cancels the run, and its reads waiting for a
// slot fail at once instead of waiting for the reads at AWS.
TEST(Engine, CancelTokenStopsTheRun) {
    EngineFixture f;
    f.settings.audit_concurrency = 2;
    f.aws->on("s3", "ListBuckets", many_buckets(40));
    f.aws->set_delay(std::chrono::milliseconds(20));
    f.catalog->reqs = {req(1, "2.7.1", {"2.0-01"})};
    auto engine = f.engine();
    auto plan = engine.plan("ISMS-P", std::nullopt);
    ASSERT_TRUE(plan);
    std::stop_source source;
    dspm::engine::RunOptions options;
    options.cancel = source.get_token();
    std::jthread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(120));
        source.request_stop();
    });
    auto run = engine.run(*plan, options);
    EXPECT_LT(f.aws->count("s3:GetBucketEncryption"), 40u);
    EXPECT_TRUE(run.summary.cancelled);
    EXPECT_EQ(run.results.at(0).status, Status::error);
}

// One check giving up on a read it was first to ask for does not fail it for the check that asked
// for the same read meanwhile: that one reads it itself.
TEST(FactCache, ACallerGivingUpDoesNotFailTheSharedReadForOthers) {
    auto aws = std::make_shared<FakeAwsClient>();
    auto entered = std::make_shared<std::promise<void>>();
    aws->on("iam", "GetAccountSummary",
            [entered](const json::object&, const std::string&) -> FakeAwsClient::Result {
                entered->set_value();
                dspm::exec::sleep_for(std::chrono::milliseconds(300));
                return json::parse(R"({"slow":true})");
            });
    aws->on_json("s3", "ListBuckets", R"({"Buckets":[]})");
    auto facts = std::make_shared<dspm::inventory::CachedFacts>(aws, nullptr, "1", 1);
    dspm::inventory::CheckFacts first(facts), second(facts);
    // The only slot is taken by a slow read.
    std::jthread slow([&] { (void)facts->aws("iam", "GetAccountSummary", {}); });
    entered->get_future().wait();
    std::optional<dspm::inventory::AwsResult> first_result, second_result;
    std::jthread a([&] { first_result = first.aws("s3", "ListBuckets", {}); });
    std::jthread b([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));  // after a, on a's read
        second_result = second.aws("s3", "ListBuckets", {});
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto t0 = std::chrono::steady_clock::now();
    first.cancel();
    a.join();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(100));
    ASSERT_TRUE(first_result);
    ASSERT_FALSE(*first_result);
    EXPECT_EQ(first_result->error().code, "Cancelled");
    b.join();
    ASSERT_TRUE(second_result);
    EXPECT_TRUE(*second_result);
    EXPECT_EQ(aws->count("s3:ListBuckets"), 1u);
}

}  // namespace
