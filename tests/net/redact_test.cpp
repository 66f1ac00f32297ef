// Credentials inside URLs never reach what the program shows.
#include "net/redact.hpp"

#include <gtest/gtest.h>

using dspm::net::redact_url;
using dspm::net::redact_urls_in;

TEST(Redact, UserInfoAndSecretQueryValues) {
    EXPECT_EQ(redact_url("https://user:pa%40ss@collector.internal:8000/base"),
              "https://***@collector.internal:8000/base");
    EXPECT_EQ(redact_url("http://alice@h/"), "http://***@h/");
    EXPECT_EQ(redact_url("https://h/api?token=abc&page=2&X-Amz-Signature=ff&api_key=k"),
              "https://h/api?token=***&page=2&X-Amz-Signature=***&api_key=***");
    EXPECT_EQ(redact_url("http://127.0.0.1:8003"), "http://127.0.0.1:8003");
    EXPECT_EQ(redact_url(""), "");
    // Not parseable as a URL: the user information is still cut.
    EXPECT_EQ(redact_url("http://us er:p w@h/x y"), "http://***@h/x y");
}

TEST(Redact, UrlsInsideText) {
    EXPECT_EQ(redact_urls_in("collector http://u:p@h:1/api/s3-buckets: HTTP 500"),
              "collector http://***@h:1/api/s3-buckets: HTTP 500");
    EXPECT_EQ(redact_urls_in("a https://x:y@a/ and \"http://q@b/?secret=1\" end"),
              "a https://***@a/ and \"http://***@b/?secret=***\" end");
    EXPECT_EQ(redact_urls_in("no url here"), "no url here");
}
