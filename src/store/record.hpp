#pragma once
// From a finished audit to what the store keeps: the head (scope, times, counts), the answer with
// its run_id, and one row per evaluation of each distinct mapping result (a code serving many
// requirements is stored once).
#include <string>
#include <string_view>

#include "engine/engine.hpp"
#include "store/store.hpp"

namespace dspm::store {

RunRecord make_record(const engine::AuditRun& run, const std::string& run_id, std::string answer);

// The answer's JSON object text with "run_id" as its first member (the answers are built as text;
// this keeps them byte for byte what they were, plus the id).
std::string with_run_id(std::string_view answer, const std::string& run_id);
// The members with_run_id and with_store_failure add, for an answer built with them in place
// (engine::all_response_text's first_members: no copy of a large answer to add them).
std::string run_id_member(const std::string& run_id);
std::string store_failure_members(const std::string& error);
// The answer with `members` (JSON member text) first; unchanged when members is empty.
std::string with_members(std::string_view answer, std::string_view members);
// Adds "run_stored": false and "store_error" to an answer the store refused: the client gets its
// audit and knows it is not in the history.
std::string with_store_failure(std::string_view answer, const std::string& error);

}  // namespace dspm::store
