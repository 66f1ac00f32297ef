// 12.0-03 Transfer Family: no server (ListServers, DescribeServer per region) accepts plain FTP;
// SFTP, FTPS and AS2 encrypt the session.
// Judgement: the catalog names ProtocolDetails.SecurityPolicyName ("FTPS/SSH" vs "NONE"), but a
// security policy only governs the ciphers of the encrypted protocols; what leaves data in clear
// is FTP in Server.Protocols. The evaluation's observed value is whether FTP is enabled (false
// passes); the protocols and the security policy are in extra. A server without Protocols uses
// the default (SFTP). No servers in the audited regions -> SKIPPED.
#include <boost/json.hpp>
#include <string>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

const Check& check_12_0_03_transfer_protocols() {
    static const net::FnCheck check(
        {"12.0-03",
         "Transfer Family",
         "Transfer Family",
         "medium",
         {"transfer:ListServers", "transfer:DescribeServer"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            constexpr const char* kField = "Plain FTP enabled";
            net::ListDescribe spec{"Transfer", "transfer", "ListServers", {},
                                   "Servers",  "ServerId", "Server list", "DescribeServer",
                                   "ServerId", {},         kField};
            auto evals = net::list_describe(
                spec, facts, scope,
                [&](const std::string& id, const json::value& doc, const std::string& region) {
                    json::array protocols;
                    json::object extra;
                    if (const auto* p = at_path(doc, "Server.Protocols"); p && p->is_array()) {
                        protocols = p->get_array();
                    } else {
                        protocols.emplace_back("SFTP");
                        extra["note"] = "no Protocols in the answer: the default SFTP applies";
                    }
                    bool ftp = false;
                    for (const auto& p : protocols)
                        ftp = ftp || (p.is_string() && p.get_string() == "FTP");
                    extra["Protocols"] = protocols;
                    if (auto sp = string_at(doc, "Server.SecurityPolicyName"); !sp.empty())
                        extra["SecurityPolicyName"] = sp;
                    net::Evals out;
                    out.push_back(evaluate(
                        {"Transfer", id, "Server.Protocols", kField, engine::Comparator::eq, false,
                         ftp, engine::Source::aws_sdk, region, scope.account, std::move(extra)}));
                    return out;
                });
            return net::result(info, std::move(evals), "totalServers", "encryptedProtocolsOnly",
                               "no Transfer Family servers in the audited regions");
        });
    return check;
}

}  // namespace dspm::checks
