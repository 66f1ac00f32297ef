#pragma once
// A front for moto_server: answers the operations moto lacks from a handler and forwards every
// other request unchanged, so a check that reads both kinds can run through the binary. Point one
// service at it with AWS_ENDPOINT_URL_<SERVICE>; moto does not verify signatures, so forwarding
// the signed request as it came is enough.
#include <functional>
#include <optional>
#include <string>

#include "engine/fake_http.hpp"
#include "support/test_support.hpp"

namespace dspm::test {

class MotoFront {
  public:
    // answer: the response for a request moto lacks, nullopt to forward it.
    using Answer = std::function<std::optional<FakeResponse>(const FakeRequest&)>;
    MotoFront(unsigned short moto_port, Answer answer)
        : server_([moto_port, answer = std::move(answer)](const FakeRequest& r) {
              if (auto own = answer(r)) return *own;
              return forward(moto_port, r);
          }) {}
    std::string url() const { return server_.url(); }

  private:
    static FakeResponse forward(unsigned short port, const FakeRequest& r) {
        std::string raw = r.method + " " + r.path + " HTTP/1.1\r\n";
        for (const auto& [name, value] : r.headers)
            if (name != "connection" && name != "content-length")
                raw += name + ": " + value + "\r\n";
        raw += "content-length: " + std::to_string(r.body.size()) + "\r\nconnection: close\r\n\r\n";
        raw += r.body;
        auto reply = send_raw(port, raw, std::chrono::seconds(30));
        FakeResponse out;
        out.status = reply.status == 0 ? 502 : reply.status;
        out.body = reply.body;
        // Keep moto's content type: the protocol parsers look at it.
        std::string lower = reply.head;
        for (auto& c : lower)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (auto at = lower.find("\r\ncontent-type:"); at != std::string::npos) {
            auto start = at + 15;
            auto end = reply.head.find("\r\n", start);
            std::string v = reply.head.substr(start, end - start);
            v.erase(0, v.find_first_not_of(' '));
            out.content_type = v;
        }
        return out;
    }
    FakeHttpServer server_;
};

// Identity Center answers a permission set without a permissions boundary with
// ResourceNotFoundException; moto has no GetPermissionsBoundaryForPermissionSet.
inline std::optional<FakeResponse> no_permissions_boundary(const FakeRequest& r) {
    auto t = r.headers.find("x-amz-target");
    if (t == r.headers.end() || !t->second.ends_with(".GetPermissionsBoundaryForPermissionSet"))
        return std::nullopt;
    return FakeResponse{400, "application/x-amz-json-1.1",
                        R"({"__type":"ResourceNotFoundException",)"
                        R"("Message":"Permissions boundary not found for the permission set"})"};
}

}  // namespace dspm::test
