//! Checks of what the bot sends, as Discord makes them: message bodies, custom ids,
//! modals, commands.

use super::*;

/// Refuses what Discord refuses in a message body: more than 2000 characters, nothing
/// at all to show, a component `custom_id` over 100 characters.
pub(super) fn check_message_body(
    body: &Value,
    has_files: bool,
    editing: bool,
) -> Result<(), Reply> {
    let content = body["content"].as_str().unwrap_or_default();
    if content.chars().count() > MAX_CONTENT {
        return Err(Reply::invalid_form(
            "content",
            "BASE_TYPE_MAX_LENGTH",
            "Must be 2000 or fewer in length.",
        ));
    }
    let non_empty = |key: &str| body[key].as_array().is_some_and(|a| !a.is_empty());
    let has_body = !content.is_empty()
        || has_files
        || ["embeds", "components", "sticker_ids", "attachments"]
            .iter()
            .any(|key| non_empty(key))
        || body.get("poll").is_some_and(|p| !p.is_null());
    if !editing && !has_body {
        return Err(Reply::error(
            StatusCode::BAD_REQUEST,
            50006,
            "Cannot send an empty message",
        ));
    }
    check_custom_ids(&body["components"])
}

pub(super) fn check_custom_ids(components: &Value) -> Result<(), Reply> {
    for component in components.as_array().into_iter().flatten() {
        if let Some(id) = component["custom_id"].as_str()
            && (id.is_empty() || id.chars().count() > MAX_CUSTOM_ID)
        {
            return Err(Reply::invalid_form(
                "components",
                "BASE_TYPE_BAD_LENGTH",
                "custom_id: Must be between 1 and 100 in length.",
            ));
        }
        check_custom_ids(&component["components"])?;
    }
    Ok(())
}

/// A modal needs a custom id, a title and 1 to 5 rows of text inputs.
pub(super) fn check_modal(data: &Value) -> Result<(), Reply> {
    let title = data["title"].as_str().unwrap_or_default();
    if title.is_empty() || title.chars().count() > 45 {
        return Err(Reply::invalid_form(
            "data.title",
            "BASE_TYPE_BAD_LENGTH",
            "Must be between 1 and 45 in length.",
        ));
    }
    let rows = data["components"].as_array().map_or(0, Vec::len);
    if rows == 0 || rows > 5 {
        return Err(Reply::invalid_form(
            "data.components",
            "BASE_TYPE_BAD_LENGTH",
            "Must be between 1 and 5 in length.",
        ));
    }
    check_custom_ids(&data["components"])?;
    match data["custom_id"].as_str() {
        Some(id) if !id.is_empty() && id.chars().count() <= MAX_CUSTOM_ID => Ok(()),
        _ => Err(Reply::invalid_form(
            "data.custom_id",
            "BASE_TYPE_BAD_LENGTH",
            "Must be between 1 and 100 in length.",
        )),
    }
}

/// Discord's rules for chat-input commands and their options: lower-case names of 1 to
/// 32 characters without spaces, descriptions of 1 to 100, localizations keyed by
/// locales Discord knows (`fr`, `en-US`, not `en`).
pub(super) fn check_command(command: &Value) -> Result<(), Reply> {
    let slash = command["type"].as_u64().unwrap_or(1) == 1;
    let name = command["name"].as_str().unwrap_or_default();
    let name_ok = !name.is_empty()
        && name.chars().count() <= 32
        && (!slash
            || name
                .chars()
                .all(|c| c == '-' || c == '_' || (c.is_alphanumeric() && !c.is_uppercase())));
    if !name_ok {
        return Err(Reply::invalid_form(
            "name",
            "APPLICATION_COMMAND_INVALID_NAME",
            &format!("Command name is invalid: {name:?}"),
        ));
    }
    if slash {
        let description = command["description"].as_str().unwrap_or_default();
        if description.is_empty() || description.chars().count() > 100 {
            return Err(Reply::invalid_form(
                "description",
                "BASE_TYPE_BAD_LENGTH",
                "Must be between 1 and 100 in length.",
            ));
        }
    }
    for key in ["name_localizations", "description_localizations"] {
        for locale in command[key].as_object().into_iter().flat_map(|m| m.keys()) {
            if !LOCALES.contains(&locale.as_str()) {
                return Err(Reply::invalid_form(
                    key,
                    "LOCALE_INVALID",
                    &format!("Invalid locale {locale:?}"),
                ));
            }
        }
    }
    let options = command["options"].as_array().map_or(&[][..], Vec::as_slice);
    if options.len() > 25 {
        return Err(Reply::invalid_form(
            "options",
            "BASE_TYPE_MAX_LENGTH",
            "Must be 25 or fewer in length.",
        ));
    }
    for option in options {
        let mut option = option.clone();
        // Options follow the chat-input rules whatever the command type.
        option["type"] = json!(1);
        check_command(&option)?;
    }
    Ok(())
}
