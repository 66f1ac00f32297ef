// Our answers against the reference Mapping API shapes (key by key, type by type), the remote
// client against a fake Mapping API, and the source selection with and without fallback.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "catalog/json_shapes.hpp"
#include "catalog/local_source.hpp"
#include "catalog/remote_source.hpp"
#include "catalog/source.hpp"
#include "net/http_client.hpp"
#include "support/test_support.hpp"

namespace dspm::catalog {
namespace {
namespace json = boost::json;

std::optional<json::value> reference(const std::string& file) {
    auto dir = test::shared_dir();
    if (!dir) return std::nullopt;
    std::ifstream in(*dir + "/reference/dspm-mapping-api/" + file);
    if (!in) return std::nullopt;
    std::stringstream ss;
    ss << in.rdbuf();
    return json::parse(ss.str());
}

// Same keys with the same JSON kinds; a null in the reference accepts null or any kind.
void same_shape(const json::value& ref, const json::value& ours, const std::string& where) {
    if (ref.is_null()) return;
    if (ref.is_int64() || ref.is_uint64()) {
        EXPECT_TRUE(ours.is_int64() || ours.is_uint64()) << where;
        return;
    }
    ASSERT_EQ(ref.kind(), ours.kind()) << where;
    if (ref.is_object()) {
        for (const auto& [k, v] : ref.as_object()) {
            ASSERT_TRUE(ours.as_object().contains(k)) << where << "." << k;
            same_shape(v, ours.as_object().at(k), where + "." + std::string(k));
        }
    } else if (ref.is_array() && !ref.as_array().empty() && !ours.as_array().empty()) {
        same_shape(ref.as_array()[0], ours.as_array()[0], where + "[0]");
    }
}

std::shared_ptr<LocalSource> embedded() {
    return *LocalSource::embedded();
}

TEST(CatalogShapes, StatsMatchReferenceShape) {
    auto ref = reference("stats.json");
    if (!ref) GTEST_SKIP() << "../shared/reference not present";
    same_shape(*ref, stats_json(*embedded()->stats()), "stats");
}

TEST(CatalogShapes, EveryReferenceRequirementRowHasOurShape) {
    auto ref = reference("requirements_by_framework.json");
    if (!ref) GTEST_SKIP() << "../shared/reference not present";
    auto cat = embedded();
    int compared = 0;
    for (const auto& [fw, rows] : ref->as_object()) {
        auto ours = cat->requirements(fw);
        ASSERT_TRUE(ours) << fw;
        auto ours_json = requirements_json(*ours);
        for (const auto& row : rows.as_array()) {
            const auto id = row.at("id").to_number<int>();
            const json::value* mine = nullptr;
            for (const auto& o : ours_json.as_array())
                if (o.at("id").to_number<int>() == id) mine = &o;
            ASSERT_NE(mine, nullptr) << fw << "/" << id << " missing (ids must be kept)";
            same_shape(row, *mine, std::string(fw) + "/" + std::to_string(id));
            ++compared;
        }
    }
    EXPECT_EQ(compared, 256);
}

TEST(CatalogShapes, EveryReferenceDetailHasOurShape) {
    auto ref = reference("mappings_by_requirement.json");
    if (!ref) GTEST_SKIP() << "../shared/reference not present";
    auto cat = embedded();
    for (const auto& [key, detail] : ref->as_object()) {
        const std::string k(key);
        const auto slash = k.find('/');
        auto ours = cat->requirement(k.substr(0, slash), k.substr(slash + 1));
        ASSERT_TRUE(ours) << k;
        auto mine = detail_json(*ours);
        same_shape(detail, mine, k);
        // Codes we dropped as unknown (4.0-05) are the only ones allowed to be missing.
        EXPECT_GE(mine.at("mappings").as_array().size() + 1,
                  detail.at("mappings").as_array().size())
            << k;
    }
}

// A tiny HTTP/1.1 server on 127.0.0.1 answering each connection with handler(request text).
class FakeApi {
  public:
    using Handler = std::function<std::string(const std::string& request)>;
    explicit FakeApi(Handler handler) : handler_(std::move(handler)) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        socklen_t len = sizeof addr;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        ::listen(fd_, 16);
        thread_ = std::thread([this] { serve(); });
    }
    ~FakeApi() {
        stop_ = true;
        ::shutdown(fd_, SHUT_RDWR);
        ::close(fd_);
        thread_.join();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    std::string last_request() {
        std::lock_guard lock(mutex_);
        return last_;
    }

  private:
    void serve() {
        while (!stop_) {
            int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) return;
            std::string req;
            char buf[4096];
            while (req.find("\r\n\r\n") == std::string::npos) {
                auto n = ::read(c, buf, sizeof buf);
                if (n <= 0) break;
                req.append(buf, static_cast<std::size_t>(n));
            }
            {
                std::lock_guard lock(mutex_);
                last_ = req;
            }
            std::string resp = handler_(req);
            if (!resp.empty()) {
                auto n = ::write(c, resp.data(), resp.size());
                (void)n;
            }
            ::close(c);
        }
    }
    Handler handler_;
    int fd_ = -1;
    unsigned short port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    std::mutex mutex_;
    std::string last_;
};

std::string http(int status, const std::string& body, const std::string& extra = "") {
    return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\n" +
           extra + "Content-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n\r\n" + body;
}

std::shared_ptr<net::HttpClient> client() {
    return std::make_shared<net::HttpClient>();
}

TEST(RemoteSource, ParsesStatsAndRequirementDetail) {
    FakeApi api([](const std::string& req) {
        if (req.rfind("GET /compliance/stats ", 0) == 0)
            return http(200, R"([{"framework":"ISMS-P","count":48}])");
        if (req.rfind("GET /compliance/ISMS-P/requirements/2.7.1/mappings ", 0) == 0)
            return http(
                200,
                R"({"framework":"ISMS-P","requirement":{"id":5,"item_code":"2.7.1.2","title":"t","mapping_status":"직접매핑"},"mappings":[{"code":"2.0-01","category":"2","service":"S3","resource_entities":"","console_path":"","check_how":"","cli_cmd":"aws s3api get-bucket-encryption","return_field":"SSEAlgorithm","compliant_value":"aws:kms","non_compliant_value":"AES256","console_fix":"","cli_fix_cmd":"-"}]})");
        return http(404, R"({"detail":"Requirement not found"})");
    });
    RemoteSource src(api.url() + "/", client());
    auto stats = src.stats();
    ASSERT_TRUE(stats) << stats.error().detail;
    ASSERT_EQ(stats->size(), 1u);
    EXPECT_EQ((*stats)[0].count, 48);
    auto d = src.requirement("ISMS-P", "2.7.1");
    ASSERT_TRUE(d) << d.error().detail;
    EXPECT_EQ(d->requirement.id, 5);
    ASSERT_EQ(d->mappings.size(), 1u);
    EXPECT_EQ(d->mappings[0].compliant_value, "aws:kms");
    auto missing = src.requirement("ISMS-P", "9.9.9");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().kind, CatalogErrorKind::not_found);
    EXPECT_EQ(missing.error().detail, "Requirement not found");
}

TEST(RemoteSource, ServerErrorAndMalformedJsonNameTheUrl) {
    FakeApi api([](const std::string& req) {
        if (req.find("/compliance/stats") != std::string::npos) return http(500, "oops");
        return http(200, "{not json");
    });
    RemoteSource src(api.url(), client());
    auto stats = src.stats();
    ASSERT_FALSE(stats);
    EXPECT_EQ(stats.error().kind, CatalogErrorKind::upstream);
    EXPECT_NE(stats.error().detail.find(api.url() + "/compliance/stats"), std::string::npos);
    EXPECT_NE(stats.error().detail.find("500"), std::string::npos);
    auto rows = src.requirements("GDPR");
    ASSERT_FALSE(rows);
    EXPECT_EQ(rows.error().kind, CatalogErrorKind::upstream);
    EXPECT_NE(rows.error().detail.find("malformed JSON"), std::string::npos);
    EXPECT_NE(rows.error().detail.find("/compliance/GDPR/requirements"), std::string::npos);
}

TEST(RemoteSource, TimeoutIsAnUpstreamError) {
    FakeApi api([](const std::string&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(600));  // the slow upstream itself
        return std::string();
    });
    RemoteSource src(api.url(), client(),
                     {std::chrono::milliseconds(200), std::chrono::milliseconds(200)});
    auto stats = src.stats();
    ASSERT_FALSE(stats);
    EXPECT_EQ(stats.error().kind, CatalogErrorKind::upstream);
    EXPECT_NE(stats.error().detail.find(api.url()), std::string::npos);
}

TEST(RemoteSource, RevalidatesWithEtagAndUses304Body) {
    std::atomic<int> calls{0};
    FakeApi api([&calls](const std::string& req) {
        ++calls;
        if (req.find("If-None-Match: \"v1\"") != std::string::npos)
            return http(304, "", "ETag: \"v1\"\r\n");
        return http(200, R"([{"framework":"soc2","count":16}])", "ETag: \"v1\"\r\n");
    });
    RemoteSource src(api.url(), client());
    auto first = src.stats();
    ASSERT_TRUE(first);
    auto second = src.stats();
    ASSERT_TRUE(second) << second.error().detail;
    EXPECT_EQ(calls.load(), 2);
    EXPECT_EQ(src.revalidated(), 1u);
    EXPECT_EQ((*second)[0].framework, "soc2");
    EXPECT_NE(api.last_request().find("If-None-Match"), std::string::npos);
}

TEST(SourceSelection, EmbeddedByDefaultAndDirectoryWithCatalogDir) {
    Settings s;
    auto src = make_catalog_source(s, client());
    ASSERT_NE(src, nullptr);
    EXPECT_EQ(src->source_name(), "embedded");
    s.catalog_dir = std::string(DSPM_SOURCE_DIR) + "/data/catalog";
    auto dir = make_catalog_source(s, client());
    EXPECT_EQ(dir->source_name(), "directory");
    EXPECT_TRUE(dir->requirement("isms-p", "2.7.1"));
}

TEST(SourceSelection, RemoteFailureNamesUrlWithoutFallbackAndFallsBackWhenAsked) {
    const std::string url = "http://127.0.0.1:" + std::to_string(test::free_port());
    Settings s;
    s.mapping_base_url = url;
    auto remote = make_catalog_source(s, client());
    EXPECT_EQ(remote->source_name(), "remote");
    auto fail = remote->stats();
    ASSERT_FALSE(fail);
    EXPECT_EQ(fail.error().kind, CatalogErrorKind::upstream);
    EXPECT_NE(fail.error().detail.find(url), std::string::npos);

    s.mapping_fallback = "embedded";
    auto fb = make_catalog_source(s, client());
    auto ok = fb->requirement("ISMS-P", "2.7.1");
    ASSERT_TRUE(ok);
    EXPECT_EQ(fb->source_name(), "remote");
    EXPECT_EQ(fb->last_source(), "embedded");
}

}  // namespace
}  // namespace dspm::catalog
