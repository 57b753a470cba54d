/**
 * Every issue the validator can report. Errors block an upload (OpenAI would reject the file or the
 * example); warnings never do. The cookbook's own category names are kept verbatim
 * (openai-cookbook `Chat_finetuning_data_prep.ipynb`); the rest are the server-side rules from the
 * fine-tuning guides and observed API rejections (see docs/validation.md).
 */
export const ERROR_CODES = {
  // Line level (before JSON)
  invalid_utf8: 'The line is not valid UTF-8.',
  utf8_bom: 'The file starts with a UTF-8 byte order mark.',
  empty_line: 'Blank line inside the JSONL file.',
  line_too_long: 'The line is longer than the validator reads into memory.',
  invalid_json: 'The line is not valid JSON.',
  // Cookbook format checks
  data_type: 'The example is not a JSON object.',
  missing_messages_list: 'The example has no non-empty "messages" array.',
  message_missing_key: 'A message lacks a required key.',
  message_unrecognized_key: 'A message has a key OpenAI does not accept for its role.',
  unrecognized_role: 'A message has a role OpenAI does not accept for fine-tuning.',
  missing_content: 'A message has empty or non-text content.',
  example_missing_assistant_message: 'The example has no assistant message to learn from.',
  // Server-side rules the cookbook does not check
  example_unrecognized_key: 'The example has a top-level key other than messages/tools/parallel_tool_calls/functions.',
  message_data_type: 'A message is not a JSON object.',
  invalid_name: 'A "name" is not a non-empty string.',
  invalid_weight: 'A "weight" is not 0 or 1.',
  weight_not_allowed: 'A "weight" on a message that is not an assistant message.',
  special_token: 'Content contains a reserved special token such as <|endoftext|>.',
  invalid_content_part: 'A content part has the wrong shape or type for its role.',
  invalid_tool_calls: 'An assistant "tool_calls" entry has the wrong shape.',
  invalid_tool_call_arguments: 'Tool/function call arguments are not a JSON string.',
  unmatched_tool_call_id: 'A tool message answers a tool call id that no earlier assistant message made.',
  invalid_function_call: 'An assistant "function_call" has the wrong shape.',
  invalid_tools: 'The example-level "tools", "functions" or "parallel_tool_calls" has the wrong shape.',
  too_few_examples: 'A training file needs at least 10 examples.',
} as const;

export const WARNING_CODES = {
  example_too_long: "The example exceeds the base model's per-example token limit and will be truncated.",
  possible_special_token: 'Content contains something that looks like a special token (<|...|>).',
  missing_system_message: 'Some examples have no system message.',
  missing_user_message: 'Some examples have no user message.',
  duplicate_example: 'The same example appears more than once (it weighs double in training).',
  few_examples: 'Fewer than 50 examples: OpenAI sees clear improvements from 50–100 well-crafted examples.',
  unknown_model: 'The base model is not in the price/limit table; encoding, limit and cost are guesses.',
  issues_truncated: 'More issues than the report keeps; counts per code are complete.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
export type WarningCode = keyof typeof WARNING_CODES;
export type IssueCode = ErrorCode | WarningCode;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_CODES, code);
}
