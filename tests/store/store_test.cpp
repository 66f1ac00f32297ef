// The run store on both engines, the same tests: SQLite in a temporary folder, and a real
// PostgreSQL cluster started by the test (pg_cluster.hpp). Records are made by make_record from
// audit runs shaped as the engine makes them (mapping results shared by several requirements,
// evaluations with evidence), not written by hand.
#include "store/store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <thread>

#include "aws/credentials.hpp"
#include "store/pg_cluster.hpp"
#include "store/record.hpp"
#include "store/sql.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using dspm::engine::Status;
using namespace std::chrono_literals;

dspm::engine::Evaluation eval(const std::string& resource, Status status,
                              const std::string& region = "us-east-1") {
    dspm::engine::Evaluation e;
    e.service = "S3";
    e.resource_id = resource;
    e.region = region;
    e.account = "123456789012";
    e.checked_field = "SSEAlgorithm";
    e.expected_value = "aws:kms";
    e.observed_value = status == Status::compliant ? "aws:kms" : "AES256";
    e.passed = status == Status::compliant;
    e.status = status;
    e.decision = e.passed ? "aws:kms eq aws:kms" : "AES256 ne aws:kms";
    return e;
}

// A whole-framework run whose two requirements share one mapping result.
dspm::engine::AuditRun audit(
    std::vector<dspm::engine::Evaluation> evals, const std::string& framework = "ISMS-P",
    const std::string& account = "123456789012",
    std::chrono::system_clock::time_point started = std::chrono::system_clock::now()) {
    dspm::engine::AuditRun run;
    run.plan.framework = framework;
    run.plan.all = true;
    auto m = std::make_shared<dspm::engine::MappingResult>();
    m->mapping_code = "2.0-01";
    m->title = "S3";
    std::vector<Status> statuses;
    for (const auto& e : evals)
        statuses.push_back(e.status);
    m->status = dspm::engine::roll_up(statuses);
    m->evaluations = std::move(evals);
    for (const char* item : {"2.7.1", "2.10.2"}) {
        dspm::engine::RequirementResult r;
        r.requirement.item_code = item;
        r.status = m->status;
        r.results.push_back(m);
        run.results.push_back(r);
        run.summary.requirements.add(r.status);
    }
    run.summary.mappings.add(m->status);
    run.summary.status = run.summary.requirements.rolled_up();
    run.summary.account = account;
    run.summary.regions = {"us-east-1", "eu-west-1"};
    run.summary.started_at = started;
    run.summary.finished_at = started + 2s;
    run.summary.catalog_version = "0123456789abcdef";
    return run;
}

dspm::store::RunRecord record(const dspm::engine::AuditRun& run) {
    const auto id = dspm::store::new_run_id(run.summary.started_at);
    return dspm::store::make_record(
        run, id, dspm::store::with_run_id(dspm::engine::all_response_text(run), id));
}

class StoreTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        static std::atomic<int> counter{0};
        const int n = counter++;
        if (GetParam() == "sqlite") {
            dir_ = fs::temp_directory_path() /
                   ("dspm-store-" + std::to_string(::getpid()) + "-" + std::to_string(n));
            fs::remove_all(dir_);
            file_ = (dir_ / "runs.sqlite3").string();
        } else {
            auto& pg = dspm::test::PgCluster::instance();
            ASSERT_TRUE(pg.available()) << pg.why_not();
            // A database per test: nothing one test stores is seen by another.
            auto admin = dspm::store::connect_postgres(pg.url());
            ASSERT_TRUE(admin) << admin.error();
            db_ = "t" + std::to_string(::getpid()) + "_" + std::to_string(n);
            ASSERT_TRUE((*admin)->script("CREATE DATABASE " + db_));
        }
    }
    void TearDown() override {
        if (!dir_.empty()) fs::remove_all(dir_);
    }
    std::shared_ptr<dspm::store::RunStore> open(
        dspm::store::Retention keep = {},
        std::size_t part_bytes = dspm::store::default_answer_part_bytes) {
        if (GetParam() == "sqlite") return dspm::store::open_sqlite(file_, keep, part_bytes);
        return dspm::store::open_postgres(dspm::test::PgCluster::instance().url(db_), keep,
                                          part_bytes);
    }
    std::unique_ptr<dspm::store::Connection> raw() {
        auto c = GetParam() == "sqlite"
                     ? dspm::store::connect_sqlite(file_)
                     : dspm::store::connect_postgres(dspm::test::PgCluster::instance().url(db_));
        EXPECT_TRUE(c);
        return c ? std::move(*c) : nullptr;
    }
    std::size_t count(const std::string& sql) {
        auto rows = raw()->query(sql, {});
        EXPECT_TRUE(rows) << rows.error();
        return rows ? std::stoul(*rows->front()[0]) : 0;
    }

    fs::path dir_;
    std::string file_;
    std::string db_;
};

TEST_P(StoreTest, MigratesOnFirstUseAndOnlyOnce) {
    auto store = open();
    auto v = store->schema_version();
    ASSERT_TRUE(v) << v.error();
    EXPECT_EQ(*v, static_cast<int>(dspm::store::migrations().size()));
    auto again = open();  // a second process, a restart
    EXPECT_EQ(*again->schema_version(), *v);
    EXPECT_EQ(count("SELECT COUNT(*) FROM schema_migrations"), dspm::store::migrations().size());
    EXPECT_EQ(store->engine(), GetParam() == "sqlite" ? "sqlite" : "postgresql");
}

TEST_P(StoreTest, KeepsTheAnswerByteForByteAndEachEvaluationOnce) {
    auto store = open();
    auto run = audit({eval("logs", Status::non_compliant), eval("web", Status::compliant),
                      eval("web", Status::compliant, "eu-west-1")});
    const auto rec = record(run);
    ASSERT_EQ(rec.evaluations.size(), 3u);  // one mapping result shared by two requirements
    auto saved = store->save(rec);
    ASSERT_TRUE(saved) << saved.error();
    auto answer = store->answer(rec.head.run_id);
    ASSERT_TRUE(answer && *answer);
    EXPECT_EQ(**answer, rec.answer);
    EXPECT_EQ(json::parse(**answer).at("run_id").as_string(), rec.head.run_id);
    auto head = store->head(rec.head.run_id);
    ASSERT_TRUE(head && *head);
    EXPECT_EQ((*head)->framework, "ISMS-P");
    EXPECT_EQ((*head)->requirement, "_all");
    EXPECT_EQ((*head)->status, "NON_COMPLIANT");
    EXPECT_EQ((*head)->regions, (std::vector<std::string>{"us-east-1", "eu-west-1"}));
    EXPECT_TRUE((*head)->complete);
    const auto counts = json::parse((*head)->counts);
    EXPECT_EQ(counts.at("evaluations").at("COMPLIANT").to_number<int>(), 2);
    EXPECT_EQ(counts.at("requirements").at("NON_COMPLIANT").to_number<int>(), 2);
    EXPECT_EQ(count("SELECT COUNT(*) FROM evaluations WHERE status = 'NON_COMPLIANT'"), 1u);
    auto none = store->answer("20000101T000000000Z-00000000");
    ASSERT_TRUE(none);
    EXPECT_FALSE(*none);
}

// An answer longer than one part (1.25 GB at 50,000 resources, beyond what either database takes
// as one text) is kept in parts, cut between UTF-8 characters, and comes back byte for byte;
// RUNS_KEEP takes the parts with their run.
TEST_P(StoreTest, AnAnswerLongerThanAPartIsKeptInPartsAndComesBackWhole) {
    auto store = open({}, 64);
    auto run = audit({eval("logs", Status::non_compliant), eval("web", Status::compliant)});
    auto rec = record(run);
    // Three-byte characters across every cut: a cut inside one would be refused by PostgreSQL.
    rec.answer.insert(rec.answer.size() - 1, ",\"note\":\"" + std::string(40, 'x') +
                                                 "\xea\xb0\x90\xec\x82\xac\xea\xb0\x90\xec\x82\xac"
                                                 "\xea\xb0\x90\xec\x82\xac\"");
    ASSERT_GT(rec.answer.size(), 3 * 64u);
    auto saved = store->save(rec);
    ASSERT_TRUE(saved) << saved.error();
    EXPECT_GE(count("SELECT COUNT(*) FROM run_answer_parts"), 3u);
    auto answer = store->answer(rec.head.run_id);
    ASSERT_TRUE(answer && *answer) << (answer ? "" : answer.error());
    EXPECT_EQ(**answer, rec.answer);
    // A short answer stays in one row.
    auto small = record(audit({eval("db", Status::compliant)}, "ISMS-P", "111111111111",
                              std::chrono::system_clock::now() + std::chrono::seconds(5)));
    ASSERT_TRUE(open()->save(small));
    auto back = store->answer(small.head.run_id);
    ASSERT_TRUE(back && *back);
    EXPECT_EQ(**back, small.answer);
    ASSERT_TRUE(store->prune({1, 0}));
    EXPECT_EQ(count("SELECT COUNT(*) FROM run_answer_parts"), 0u);
}

// A failure in the middle of a save (here a duplicate key in the second batch of evaluations)
// leaves nothing of the run: stored whole or not at all.
TEST_P(StoreTest, ASaveThatFailsHalfWayLeavesNothing) {
    auto store = open();
    std::vector<dspm::engine::Evaluation> evals;
    for (int i = 0; i < 450; ++i)
        evals.push_back(eval("bucket-" + std::to_string(i), Status::compliant));
    auto rec = record(audit(std::move(evals)));
    rec.evaluations[300] = rec.evaluations[299];  // same key and ordinal
    auto saved = store->save(rec);
    ASSERT_FALSE(saved);
    EXPECT_FALSE(*store->head(rec.head.run_id));
    EXPECT_EQ(count("SELECT COUNT(*) FROM evaluations"), 0u);
    EXPECT_EQ(count("SELECT COUNT(*) FROM runs"), 0u);
    // The same run saved again whole is fine, and a second save of one id is refused.
    rec.evaluations[300].resource_id = "bucket-300";
    ASSERT_TRUE(store->save(rec));
    EXPECT_EQ(count("SELECT COUNT(*) FROM evaluations"), 450u);
    EXPECT_FALSE(store->save(rec));
    EXPECT_EQ(count("SELECT COUNT(*) FROM evaluations"), 450u);
}

TEST_P(StoreTest, ListsNewestFirstWithFiltersAndPages) {
    auto store = open();
    const auto t0 = std::chrono::system_clock::now() - 24h * 10;
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) {
        auto run = audit({eval("b", i % 2 ? Status::compliant : Status::non_compliant)},
                         i == 4 ? "GDPR" : "ISMS-P", i == 3 ? "210987654321" : "123456789012",
                         t0 + 24h * i);
        auto rec = record(run);
        ids.push_back(rec.head.run_id);
        ASSERT_TRUE(store->save(rec));
    }
    auto all = store->list({});
    ASSERT_TRUE(all);
    ASSERT_EQ(all->runs.size(), 5u);
    EXPECT_EQ(all->runs.front().run_id, ids[4]);
    EXPECT_FALSE(all->next);
    auto isms = store->list({.framework = "isms-p"});
    EXPECT_EQ(isms->runs.size(), 4u);
    EXPECT_EQ(store->list({.account = "210987654321"})->runs.size(), 1u);
    EXPECT_EQ(store->list({.status = "COMPLIANT"})->runs.size(), 2u);
    auto since =
        dspm::store::parse_since(dspm::aws::format_iso8601(t0 + 24h * 3 - 1h).substr(0, 19) + "Z");
    ASSERT_TRUE(since) << since.error();
    EXPECT_EQ(store->list({.since = *since})->runs.size(), 2u);
    // Pages of two: 2 + 2 + 1, each `next` the last id of its page.
    auto p1 = store->list({.limit = 2});
    ASSERT_TRUE(p1->next);
    auto p2 = store->list({.before = *p1->next, .limit = 2});
    ASSERT_TRUE(p2->next);
    auto p3 = store->list({.before = *p2->next, .limit = 2});
    EXPECT_EQ(p3->runs.size(), 1u);
    EXPECT_FALSE(p3->next);
    EXPECT_EQ(p3->runs.front().run_id, ids[0]);
    auto trend = store->list({.framework = "ISMS-P", .limit = 3, .oldest_first = true});
    ASSERT_EQ(trend->runs.size(), 3u);
    EXPECT_EQ(trend->runs.front().run_id, ids[1]);  // the newest three, read forwards
    // previous: the same framework, requirement and account, earlier.
    EXPECT_EQ(**store->previous(ids[2]), ids[1]);
    EXPECT_EQ(**store->previous(ids[1]), ids[0]);
    EXPECT_FALSE(*store->previous(ids[0]));
    EXPECT_FALSE(*store->previous(ids[4]));  // the only GDPR run
}

TEST_P(StoreTest, DiffSaysWhatFailedNewlyWhatWasResolvedAndWhatStillFails) {
    auto store = open();
    const auto t = std::chrono::system_clock::now();
    auto before = record(audit({eval("a", Status::non_compliant), eval("b", Status::non_compliant),
                                eval("c", Status::compliant), eval("d", Status::error),
                                eval("e", Status::non_compliant), eval("g", Status::compliant)},
                               "ISMS-P", "123456789012", t - 1h));
    auto after = record(audit({eval("a", Status::non_compliant), eval("b", Status::compliant),
                               eval("c", Status::non_compliant), eval("d", Status::compliant),
                               eval("f", Status::non_compliant), eval("g", Status::compliant)},
                              "ISMS-P", "123456789012", t));
    ASSERT_TRUE(store->save(before));
    ASSERT_TRUE(store->save(after));
    ASSERT_EQ(**store->previous(after.head.run_id), before.head.run_id);
    auto d = store->diff(after.head.run_id, before.head.run_id);
    ASSERT_TRUE(d) << d.error();
    const auto ids = [](const std::vector<dspm::store::DiffItem>& v) {
        std::vector<std::string> out;
        for (const auto& i : v)
            out.push_back(i.resource_id);
        return out;
    };
    EXPECT_EQ(ids(d->still_failing), (std::vector<std::string>{"a"}));
    EXPECT_EQ(ids(d->new_failures), (std::vector<std::string>{"c", "f"}));
    EXPECT_EQ(ids(d->resolved), (std::vector<std::string>{"b", "e"}));  // e: gone
    EXPECT_EQ(ids(d->changed), (std::vector<std::string>{"d"}));
    // Each item carries both evaluations with their evidence, or null where absent.
    const auto& f = d->new_failures[1];
    EXPECT_FALSE(f.before);
    ASSERT_TRUE(f.after);
    EXPECT_EQ(json::parse(*f.after).at("observed_value").as_string(), "AES256");
    EXPECT_EQ(d->resolved[1].after, std::nullopt);
    EXPECT_EQ(d->still_failing[0].mapping_code, "2.0-01");
    EXPECT_EQ(d->still_failing[0].region, "us-east-1");
}

TEST_P(StoreTest, RunsKeepDropsTheOldestRunsWithTheirEvaluations) {
    auto store = open(dspm::store::Retention{.runs = 2});
    const auto t = std::chrono::system_clock::now();
    std::vector<std::string> ids;
    for (int i = 0; i < 3; ++i) {
        auto rec = record(audit({eval("x", Status::compliant), eval("y", Status::compliant)},
                                "ISMS-P", "123456789012", t + 1s * i));
        ids.push_back(rec.head.run_id);
        ASSERT_TRUE(store->save(rec));
    }
    EXPECT_EQ(store->list({})->runs.size(), 2u);
    EXPECT_FALSE(*store->head(ids[0]));
    EXPECT_EQ(count("SELECT COUNT(*) FROM evaluations"), 4u);
    // By age: runs started before the cutoff go.
    auto old = record(audit({eval("x", Status::compliant)}, "GDPR", "123456789012", t - 24h * 40));
    ASSERT_TRUE(open()->save(old));
    auto gone = open()->prune(dspm::store::Retention{.days = 30});
    ASSERT_TRUE(gone);
    EXPECT_EQ(*gone, 1u);
    EXPECT_FALSE(*store->head(old.head.run_id));
}

// The records other rooms keep (remediation plans and fixes): a body per (kind, id), replaced by a
// second put of the same key, absent for an unknown one.
TEST_P(StoreTest, KeepsRecordsByKindAndId) {
    auto store = open();
    ASSERT_TRUE(store->put_record("fix-plan", "p1", "2030-01-01T00:00:00Z", R"({"a":1})"));
    ASSERT_TRUE(store->put_record("fix", "p1", "", R"({"b":2})"));
    EXPECT_EQ(**store->get_record("fix-plan", "p1"), R"({"a":1})");
    EXPECT_EQ(**store->get_record("fix", "p1"), R"({"b":2})");
    ASSERT_TRUE(store->put_record("fix", "p1", "", R"({"b":3})"));
    EXPECT_EQ(**store->get_record("fix", "p1"), R"({"b":3})");
    EXPECT_FALSE(*store->get_record("fix", "p2"));
    EXPECT_EQ(count("SELECT COUNT(*) FROM records"), 2u);
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

// The database going away is an error sentence for the caller, and the store reconnects when it
// is back; nothing crashes, nothing is half stored.
TEST(PostgresStore, ADatabaseThatGoesAwayIsAnErrorAndTheStoreRecovers) {
    auto& pg = dspm::test::PgCluster::instance();
    ASSERT_TRUE(pg.available()) << pg.why_not();
    auto store = dspm::store::open_postgres(pg.url());
    ASSERT_TRUE(store->schema_version());
    ASSERT_TRUE(pg.stop());
    auto rec = record(audit({eval("x", Status::compliant)}));
    auto saved = store->save(rec);
    ASSERT_TRUE(pg.start());
    ASSERT_FALSE(saved);
    EXPECT_NE(saved.error().find("postgresql"), std::string::npos) << saved.error();
    auto again = store->save(rec);
    EXPECT_TRUE(again) << again.error();
    EXPECT_EQ((**store->answer(rec.head.run_id)), rec.answer);
}

TEST(SqliteStore, AFolderThatCannotBeWrittenIsAnErrorNotACrash) {
    auto store = dspm::store::open_sqlite("/proc/dspm-no/runs.sqlite3");
    auto saved = store->save(record(audit({eval("x", Status::compliant)})));
    ASSERT_FALSE(saved);
    EXPECT_NE(saved.error().find("sqlite"), std::string::npos) << saved.error();
}

TEST(RunIds, SortByTimeAndNothingElsePasses) {
    const auto t = std::chrono::system_clock::now();
    const auto a = dspm::store::new_run_id(t), b = dspm::store::new_run_id(t + 1ms);
    EXPECT_TRUE(dspm::store::valid_run_id(a)) << a;
    EXPECT_LT(a, b);
    for (const char* bad :
         {"", "../etc/passwd", "20261203T101845123Z-3F9A1C2B", "20261203T101845123Z-3f9a1c2b'",
          "20261203T101845123Z_3f9a1c2b", "2026120XT101845123Z-3f9a1c2b"})
        EXPECT_FALSE(dspm::store::valid_run_id(bad)) << bad;
}

TEST(Settings, RetentionAndSinceAreParsedStrictly) {
    EXPECT_EQ(dspm::store::parse_retention("500")->runs, 500u);
    EXPECT_EQ(dspm::store::parse_retention("90d")->days, 90u);
    EXPECT_EQ(dspm::store::parse_retention("")->runs, 0u);
    for (const char* bad : {"d", "-1", "5x", "99999999999", "1.5"})
        EXPECT_FALSE(dspm::store::parse_retention(bad)) << bad;
    EXPECT_EQ(*dspm::store::parse_since("2026-12-01"), "2026-12-01T00:00:00Z");
    EXPECT_EQ(*dspm::store::parse_since("2026-12-01T10:00:00Z"), "2026-12-01T10:00:00Z");
    for (const char* bad : {"2026-12-1", "yesterday", "2026-12-01 10:00", "2026-12-01'--"})
        EXPECT_FALSE(dspm::store::parse_since(bad)) << bad;
}

TEST(Answers, RunIdComesFirstAndAFailureIsSaid) {
    EXPECT_EQ(dspm::store::with_run_id(R"({"a":1})", "X"), R"({"run_id":"X","a":1})");
    EXPECT_EQ(dspm::store::with_run_id("{}", "X"), R"({"run_id":"X"})");
    const auto failed = json::parse(dspm::store::with_store_failure(R"({"a":1})", "disk full"));
    EXPECT_FALSE(failed.at("run_stored").as_bool());
    EXPECT_EQ(failed.at("store_error").as_string(), "disk full");
}

}  // namespace
