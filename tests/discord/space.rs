//! A team's channel and the bot's server set up wrong, as a new operator might:
//! the outlet names what is wrong (`inspect_space`, `inspect_setup`), and what
//! Discord refuses says why in the port's terms (`Refusal`).

use super::*;
use guichet_chat::{
    Card, DeliveryError, Outbound, Recipient, Refusal, Right, SetupProblem, SpaceProblem, Tone,
};
use support::fake_discord::permissions::{
    ATTACH_FILES, CREATE_PRIVATE_THREADS, EMBED_LINKS, MANAGE_THREADS, VIEW_CHANNEL,
};

impl Live {
    async fn problems(&self) -> Vec<SpaceProblem> {
        self.outlet.inspect_space(&self.it).await.unwrap()
    }

    /// Once the commands are registered (at READY), what the setup lacks.
    async fn setup_problems(&self) -> Vec<SetupProblem> {
        self.outlet.inspect_setup().await.unwrap()
    }

    async fn commands_registered(&self) {
        self.fake
            .wait_until("the commands registered", |f| {
                (!f.commands(Some(GUILD_ID)).is_empty()).then_some(())
            })
            .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_wrong_setup_of_the_channel_is_named_and_the_fix_clears_it() {
    let live = Live::start().await;
    live.commands_registered().await;
    assert_eq!(live.problems().await, vec![], "invited with what it needs");
    assert_eq!(live.setup_problems().await, vec![]);

    live.fake.take_from_bot_role(CREATE_PRIVATE_THREADS);
    assert_eq!(
        live.problems().await,
        vec![SpaceProblem::Missing(Right::CreatePrivateThreads)]
    );
    live.fake.take_from_bot_role(MANAGE_THREADS);
    assert_eq!(
        live.problems().await,
        vec![
            SpaceProblem::Missing(Right::CreatePrivateThreads),
            SpaceProblem::Missing(Right::ManageThreads),
        ]
    );
    live.fake
        .give_to_bot_role(CREATE_PRIVATE_THREADS | MANAGE_THREADS);
    assert_eq!(live.problems().await, vec![]);

    // A deny in the channel's overwrites counts, the role notwithstanding.
    live.fake
        .deny_bot_role_in(&live.it, EMBED_LINKS | ATTACH_FILES);
    assert_eq!(
        live.problems().await,
        vec![
            SpaceProblem::Missing(Right::EmbedLinks),
            SpaceProblem::Missing(Right::AttachFiles),
        ]
    );
    // Hidden from the bot: Discord answers 50001 Missing Access.
    live.fake.deny_bot_role_in(&live.it, VIEW_CHANNEL);
    assert_eq!(live.problems().await, vec![SpaceProblem::NotFound]);
    live.fake.clear_overwrites(&live.it);
    assert_eq!(live.problems().await, vec![]);

    live.fake
        .move_channel_to(&live.it, Some("1300000000000000999"));
    assert_eq!(live.problems().await, vec![SpaceProblem::OtherServer]);
    live.fake.move_channel_to(&live.it, None);

    // A category is not a place for threads.
    live.fake.set_channel_type(&live.it, 4);
    assert_eq!(live.problems().await, vec![SpaceProblem::NoThreads]);
    live.fake.set_channel_type(&live.it, 0);
    assert_eq!(live.problems().await, vec![]);

    live.fake.delete_channel(&live.it);
    assert_eq!(live.problems().await, vec![SpaceProblem::NotFound]);
    assert_eq!(
        live.outlet.inspect_space("it-staff").await.unwrap(),
        vec![SpaceProblem::NotFound],
        "not a channel id"
    );

    live.fake.forget_commands();
    let Some(SetupProblem::CommandsMissing(names)) = live.setup_problems().await.pop() else {
        panic!("the commands are missing");
    };
    assert!(names.contains(&"ticket".to_owned()), "{names:?}");
    live.stop().await;
}

fn open_thread(space: &str, members: Vec<String>) -> Outbound {
    Outbound::OpenThread {
        space: space.into(),
        title: format!("{FIRST} · Mon écran ne s'allume plus"),
        card: Card {
            title: format!("{FIRST} · Mon écran ne s'allume plus"),
            description: "Depuis ce matin l'écran reste noir.".into(),
            fields: vec![],
            buttons: vec![],
            select: None,
            tone: Tone::Neutral,
        },
        members,
    }
}

fn refusal(result: Result<guichet_chat::Delivered, DeliveryError>) -> Option<Refusal> {
    result.err().and_then(|e| e.refusal())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discords_refusals_say_what_they_mean() {
    let live = Live::start().await;
    live.fake.take_from_bot_role(CREATE_PRIVATE_THREADS);
    assert_eq!(
        refusal(
            live.outlet
                .deliver(&open_thread(&live.it, vec![]), "g1")
                .await
        ),
        Some(Refusal::MissingRight),
        "403 50013 without Create Private Threads"
    );
    live.fake.give_to_bot_role(CREATE_PRIVATE_THREADS);

    // Without Manage Threads the thread opens, but its assignee cannot be added
    // to a private thread that is not invitable.
    live.fake.take_from_bot_role(MANAGE_THREADS);
    let opened = live
        .outlet
        .deliver(&open_thread(&live.it, vec![live.iheb.id.clone()]), "g2")
        .await
        .expect("the thread opens with its card");
    assert_eq!(opened.left_out, vec![live.iheb.id.clone()], "said, once");
    let thread = opened.thread.unwrap().thread;
    assert_eq!(live.fake.thread_members(&thread), vec![BOT_ID.to_owned()]);
    let refused: Vec<Call> = live
        .fake
        .calls()
        .into_iter()
        .filter(|c| c.method == "PUT" && c.path.contains("thread-members"))
        .collect();
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].status, 403);

    live.fake.close_dms(&live.amel.id);
    let notice = Outbound::Notify {
        to: Recipient {
            user: live.amel.id.clone(),
            chat: None,
        },
        text: "Votre ticket a une réponse.".into(),
    };
    assert_eq!(
        refusal(live.outlet.deliver(&notice, "g3").await),
        Some(Refusal::Unreachable),
        "403 50007: she accepts no private message from the server's members"
    );

    live.fake.delete_channel(&live.it);
    assert_eq!(
        refusal(
            live.outlet
                .deliver(&open_thread(&live.it, vec![]), "g4")
                .await
        ),
        Some(Refusal::NotFound),
        "404 10003 Unknown Channel"
    );
    live.stop().await;
}
