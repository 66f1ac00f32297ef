#include "engine/annotate.hpp"

#include <array>
#include <cctype>

#include "aws/regions.hpp"
#include "catalog/local_source.hpp"

namespace dspm::engine {

namespace {

// How an id becomes an ARN, per evaluation service (lower case): `id_prefix` narrows by the id's
// shape (EC2 evaluates groups, VPCs and volumes), `path_prefix` by the evidence path (RDS
// instances and clusters share the service). The first matching row wins. {p} partition,
// {r} region, {a} account, {id} the resource id.
struct ArnRule {
    std::string_view service;
    std::string_view id_prefix;
    std::string_view path_prefix;
    std::string_view format;
};

constexpr std::array kArnRules{
    ArnRule{"s3", "", "", "arn:{p}:s3:::{id}"},
    ArnRule{"rds", "", "DBClusters", "arn:{p}:rds:{r}:{a}:cluster:{id}"},
    ArnRule{"rds", "", "", "arn:{p}:rds:{r}:{a}:db:{id}"},
    ArnRule{"redshift", "", "", "arn:{p}:redshift:{r}:{a}:cluster:{id}"},
    ArnRule{"dynamodb", "", "", "arn:{p}:dynamodb:{r}:{a}:table/{id}"},
    ArnRule{"kms", "alias/", "", "arn:{p}:kms:{r}:{a}:{id}"},
    ArnRule{"kms", "", "", "arn:{p}:kms:{r}:{a}:key/{id}"},
    ArnRule{"cloudfront", "", "", "arn:{p}:cloudfront::{a}:distribution/{id}"},
    ArnRule{"ec2", "sg-", "", "arn:{p}:ec2:{r}:{a}:security-group/{id}"},
    ArnRule{"ec2", "vpc-", "", "arn:{p}:ec2:{r}:{a}:vpc/{id}"},
    ArnRule{"ec2", "i-", "", "arn:{p}:ec2:{r}:{a}:instance/{id}"},
    ArnRule{"ec2", "vol-", "", "arn:{p}:ec2:{r}:{a}:volume/{id}"},
    ArnRule{"ebs", "vol-", "", "arn:{p}:ec2:{r}:{a}:volume/{id}"},
    ArnRule{"eks", "", "", "arn:{p}:eks:{r}:{a}:cluster/{id}"},
    ArnRule{"ecr", "", "", "arn:{p}:ecr:{r}:{a}:repository/{id}"},
    ArnRule{"cloudwatchlogs", "", "", "arn:{p}:logs:{r}:{a}:log-group:{id}"},
    ArnRule{"cloudtrail", "", "", "arn:{p}:cloudtrail:{r}:{a}:trail/{id}"},
    ArnRule{"efs", "fs-", "", "arn:{p}:elasticfilesystem:{r}:{a}:file-system/{id}"},
    ArnRule{"glacier", "", "", "arn:{p}:glacier:{r}:{a}:vaults/{id}"},
    ArnRule{"codecommit", "", "", "arn:{p}:codecommit:{r}:{a}:{id}"},
    ArnRule{"codepipeline", "", "", "arn:{p}:codepipeline:{r}:{a}:{id}"},
    ArnRule{"athena", "", "", "arn:{p}:athena:{r}:{a}:workgroup/{id}"},
    ArnRule{"kinesis", "", "", "arn:{p}:kinesis:{r}:{a}:stream/{id}"},
    ArnRule{"ssm", "", "", "arn:{p}:ssm:{r}:{a}:parameter/{id}"},
};

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

bool token_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
}

// Replaces every whole-token occurrence of `token` in `text`.
void replace_token(std::string& text, std::string_view token, std::string_view value) {
    if (token.empty()) return;
    std::size_t pos = 0;
    while ((pos = text.find(token, pos)) != std::string::npos) {
        const bool left = pos == 0 || !token_char(text[pos - 1]);
        const std::size_t end = pos + token.size();
        const bool right = end >= text.size() || !token_char(text[end]);
        if (left && right) {
            text.replace(pos, token.size(), value);
            pos += value.size();
        } else {
            pos = end;
        }
    }
}

// An id that names a resource, not the scope it was judged in.
bool names_resource(const Evaluation& e) {
    const auto& id = e.resource_id;
    return !id.empty() && id != "*" && id != e.region && id != e.account &&
           !aws::valid_region_name(id) && id.rfind(e.account + ":", 0) != 0;
}

std::string clean(const std::string& catalog_text) {
    return catalog_text == "-" ? std::string{} : catalog_text;
}

}  // namespace

std::string resource_arn(std::string_view service, std::string_view resource_id,
                         std::string_view evidence_path, std::string_view region,
                         std::string_view account) {
    if (starts_with(resource_id, "arn:")) return std::string(resource_id);
    if (resource_id.empty() || resource_id == "*" || resource_id == region ||
        resource_id == account || aws::valid_region_name(resource_id) || account.empty())
        return {};
    const std::string svc = catalog::to_lower(service);
    for (const auto& rule : kArnRules) {
        if (rule.service != svc || !starts_with(resource_id, rule.id_prefix) ||
            !starts_with(evidence_path, rule.path_prefix))
            continue;
        const auto* partition = aws::partition_for_region(region);
        std::string arn(rule.format);
        const auto put = [&arn](std::string_view key, std::string_view value) {
            for (auto pos = arn.find(key); pos != std::string::npos; pos = arn.find(key, pos)) {
                arn.replace(pos, key.size(), value);
                pos += value.size();
            }
        };
        put("{p}", partition != nullptr ? partition->id : std::string_view("aws"));
        put("{r}", region);
        put("{a}", account);
        put("{id}", resource_id);
        return arn;
    }
    return {};
}

std::string fill_fix(std::string_view cli_fix, std::string_view placeholder,
                     const Evaluation& evaluation) {
    std::string text(cli_fix);
    if (names_resource(evaluation)) replace_token(text, placeholder, evaluation.resource_id);
    if (!evaluation.region.empty() && evaluation.region != "*")
        replace_token(text, "REGION", evaluation.region);
    if (!evaluation.account.empty()) {
        replace_token(text, "ACC", evaluation.account);
        replace_token(text, "ACCOUNT", evaluation.account);
    }
    return text;
}

std::size_t apply_mutes(MappingResult& result, const mutelist::Mutelist& mutes,
                        std::string_view today,
                        const std::map<std::string, mutelist::Tags>* tags_by_arn) {
    std::size_t muted = 0;
    std::vector<Status> kept;
    for (auto& e : result.evaluations) {
        const mutelist::Tags* tags = nullptr;
        if (tags_by_arn != nullptr && !e.resource_arn.empty())
            if (auto it = tags_by_arn->find(e.resource_arn); it != tags_by_arn->end())
                tags = &it->second;
        const auto* entry = mutes.match(e.account, e.region, result.mapping_code, e.resource_id,
                                        e.resource_arn, today, tags);
        if (entry == nullptr) {
            kept.push_back(e.status);
            continue;
        }
        e.muted = true;
        e.mute = {{"id", entry->id},
                  {"reason", entry->reason},
                  {"approved_by", entry->approved_by},
                  {"expires", entry->expires.empty() ? boost::json::value(nullptr)
                                                     : boost::json::value(entry->expires)}};
        ++muted;
    }
    if (muted == 0) return 0;
    result.muted = muted;
    result.status_without_mutes = result.status;
    if (kept.empty()) {
        result.status = Status::skipped;
        result.reason =
            "every finding is muted (" + std::to_string(muted) + " accepted in the mutelist)";
    } else {
        result.status = roll_up(kept);
    }
    return muted;
}

void annotate(MappingResult& result, const checks::CheckInfo& info,
              const catalog::Mapping* mapping) {
    result.applicability = checks::to_string(info.applicability);
    result.severity =
        mapping != nullptr && !mapping->severity.empty() ? mapping->severity : info.severity;
    if (mapping != nullptr) {
        result.description = mapping->check_how;
        result.remediation = {clean(mapping->console_fix), clean(mapping->cli_fix_cmd)};
    }
    for (auto& e : result.evaluations) {
        e.resource_arn =
            resource_arn(e.service, e.resource_id, e.evidence_path, e.region, e.account);
        if (e.status == Status::non_compliant && !result.remediation.cli.empty())
            e.remediation_cli = fill_fix(result.remediation.cli,
                                         mapping != nullptr ? mapping->fix_placeholder : "", e);
    }
}

}  // namespace dspm::engine
