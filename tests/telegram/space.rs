//! A team's supergroup set up wrong, as a new operator might: the outlet names
//! what is wrong before anything is posted there (`inspect_space`), and a post
//! Telegram refuses says why in the port's terms (`Refusal`).

use super::*;
use guichet_chat::{Card, DeliveryError, Outbound, Recipient, Refusal, Right, SpaceProblem, Tone};
use support::fake_telegram::chats::{BotIn, Group};

crate::on_both_backends!(crate::support::chat::ChatDesk:
    a_topic_refused_for_want_of_rights_opens_once_the_bot_is_made_administrator
);

/// The team's supergroup has the bot as a plain member: no topic can open. The
/// ticket's topic is owed, not abandoned; once the operator makes the bot an
/// administrator who manages topics, it opens with its card.
async fn a_topic_refused_for_want_of_rights_opens_once_the_bot_is_made_administrator(c: ChatDesk) {
    let (api, dispatcher) = with_telegram(&c).await;
    let outlet = outlet_on(&api);
    api.set_group(
        FINANCE_CHAT,
        Group {
            bot: BotIn::Member,
            ..Group::default()
        },
    );
    assert_eq!(
        outlet.inspect_space(FINANCE_SPACE).await.unwrap(),
        vec![SpaceProblem::NotAdministrator]
    );
    c.dm(Platform::Telegram, AKREM, "Akrem Grayaa", TRIP).await;
    ChatDesk::drain(&dispatcher).await;
    assert!(api.calls_to("createForumTopic").is_empty());
    assert!(texts_to(&api, FINANCE_SPACE).is_empty());
    assert_eq!(
        c.backlog().await.dead,
        0,
        "a topic is owed, never abandoned"
    );

    api.set_group(FINANCE_CHAT, Group::default());
    assert_eq!(outlet.inspect_space(FINANCE_SPACE).await.unwrap(), vec![]);
    let max_retry = TimeDelta::from_std(c.d.config.outbox.max_retry.0).unwrap();
    c.d.clock.advance(max_retry + TimeDelta::seconds(1));
    ChatDesk::drain(&dispatcher).await;
    assert_eq!(api.calls_to("createForumTopic").len(), 1);
    let in_topic = texts_to(&api, FINANCE_SPACE);
    assert_eq!(in_topic.len(), 1, "{in_topic:?}");
    assert!(in_topic[0].contains("Du 20 au 25 mars 2025"), "the card");
    let backlog = c.backlog().await;
    assert_eq!((backlog.pending, backlog.dead), (0, 0));
}

fn outlet_on(api: &FakeTelegram) -> TelegramOutlet {
    TelegramOutlet::new(guichet_telegram::bot("123:TEST", Some(api.url())))
}

async fn outlet() -> (FakeTelegram, TelegramOutlet) {
    let api = FakeTelegram::start().await;
    let outlet = outlet_on(&api);
    (api, outlet)
}

async fn problems(outlet: &TelegramOutlet) -> Vec<SpaceProblem> {
    outlet.inspect_space(FINANCE_SPACE).await.unwrap()
}

fn admin(can_manage_topics: bool) -> BotIn {
    BotIn::Administrator { can_manage_topics }
}

#[tokio::test]
async fn a_forum_supergroup_whose_administrator_bot_manages_topics_is_fine() {
    let (_api, outlet) = outlet().await;
    assert_eq!(problems(&outlet).await, vec![]);
}

#[tokio::test]
async fn each_wrong_setup_of_the_group_is_named() {
    let (api, outlet) = outlet().await;
    let forum = Group::default();
    for (setup, expected) in [
        (
            Group {
                exists: false,
                ..forum
            },
            vec![SpaceProblem::NotFound],
        ),
        (
            Group {
                is_forum: false,
                ..forum
            },
            vec![SpaceProblem::NoThreads],
        ),
        (
            Group {
                supergroup: false,
                is_forum: false,
                ..forum
            },
            vec![SpaceProblem::NoThreads],
        ),
        (
            Group {
                bot: BotIn::Member,
                ..forum
            },
            vec![SpaceProblem::NotAdministrator],
        ),
        (
            Group {
                bot: admin(false),
                ..forum
            },
            vec![SpaceProblem::Missing(Right::ManageTopics)],
        ),
        (
            Group {
                bot: BotIn::Restricted {
                    can_send_messages: false,
                },
                ..forum
            },
            vec![
                SpaceProblem::NotAdministrator,
                SpaceProblem::Missing(Right::PostMessages),
            ],
        ),
        (
            Group {
                bot: BotIn::Kicked,
                ..forum
            },
            vec![SpaceProblem::NotFound],
        ),
        (
            Group {
                bot: BotIn::Left,
                ..forum
            },
            vec![SpaceProblem::NotFound],
        ),
        (
            Group {
                is_forum: false,
                bot: BotIn::Member,
                ..forum
            },
            vec![SpaceProblem::NoThreads, SpaceProblem::NotAdministrator],
        ),
    ] {
        api.set_group(FINANCE_CHAT, setup);
        assert_eq!(problems(&outlet).await, expected, "{setup:?}");
    }
    // The operator fixes it: the bot is made an administrator who manages topics.
    api.set_group(FINANCE_CHAT, forum);
    assert_eq!(problems(&outlet).await, vec![]);
    assert_eq!(
        api.calls_to("getMe").len(),
        1,
        "the bot's id is asked once and kept"
    );
}

#[tokio::test]
async fn a_space_that_is_not_a_chat_id_is_not_found() {
    let (_api, outlet) = outlet().await;
    assert_eq!(
        outlet.inspect_space("finance-staff").await.unwrap(),
        vec![SpaceProblem::NotFound]
    );
}

fn open_thread() -> Outbound {
    Outbound::OpenThread {
        space: FINANCE_SPACE.into(),
        title: "TCK-20250214-001 · Remboursement".into(),
        card: Card {
            title: "TCK-20250214-001 · Remboursement".into(),
            description: "Hôtel et train.".into(),
            fields: vec![],
            buttons: vec![],
            select: None,
            tone: Tone::Neutral,
        },
        members: vec![],
    }
}

fn refusal(result: Result<guichet_chat::Delivered, DeliveryError>) -> Option<Refusal> {
    result.err().and_then(|e| e.refusal())
}

#[tokio::test]
async fn telegrams_refusals_say_what_they_mean() {
    let (api, outlet) = outlet().await;
    api.set_group(
        FINANCE_CHAT,
        Group {
            bot: BotIn::Member,
            ..Group::default()
        },
    );
    assert_eq!(
        refusal(outlet.deliver(&open_thread(), "g1").await),
        Some(Refusal::MissingRight),
        "a plain member cannot create a topic"
    );
    api.set_group(
        FINANCE_CHAT,
        Group {
            is_forum: false,
            ..Group::default()
        },
    );
    assert_eq!(
        refusal(outlet.deliver(&open_thread(), "g2").await),
        Some(Refusal::NotFound),
        "no topic can be opened in a group without topics"
    );
    api.set_group(
        FINANCE_CHAT,
        Group {
            exists: false,
            ..Group::default()
        },
    );
    assert_eq!(
        refusal(outlet.deliver(&open_thread(), "g3").await),
        Some(Refusal::NotFound)
    );
    api.never_started(2200);
    let notice = Outbound::Notify {
        to: Recipient {
            user: "2200".into(),
            chat: None,
        },
        text: "Un ticket vous est attribué.".into(),
    };
    assert_eq!(
        refusal(outlet.deliver(&notice, "g4").await),
        Some(Refusal::Unreachable),
        "a user who never started the bot cannot be written to"
    );
    assert_eq!(api.calls_to("createForumTopic").len(), 0);
}
