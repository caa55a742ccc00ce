//! Setup problems, as the doctor records them, shown where operators look: the
//! dashboard's banner and `/readyz`, whichever instance recorded them.

use guichet::clock::Clock;
use guichet::doctor::{self, Check, Examination, Finding, Trouble};
use guichet_chat::SpaceProblem;
use serde_json::json;

use super::*;

on_both_backends!(crate::WebDesk:
    a_setup_problem_shows_on_the_dashboard_and_in_readiness_until_fixed,
);

async fn a_setup_problem_shows_on_the_dashboard_and_in_readiness_until_fixed(w: WebDesk) {
    let admin = w
        .account("Admin", "admin@example.com", Role::Admin, None)
        .await;
    let token = w.token(&admin).await;
    // The finance team's Telegram group has no topics.
    let check = Check::Space {
        platform: Telegram,
        team: "finance".into(),
        space: "-1001234".into(),
    };
    let broken = Finding {
        check: check.clone(),
        troubles: vec![Trouble::Space {
            problem: SpaceProblem::NoThreads,
        }],
    };
    let now = w.c.d.clock.now();
    doctor::watch::record(&w.c.d.store, &examination(vec![broken]), now)
        .await
        .unwrap();

    let (status, page) = w.get("/dashboard?lang=fr", &token).await;
    assert_eq!(status, StatusCode::OK);
    let page = page.as_str().unwrap();
    assert!(page.contains("class=\"setup-banner\""), "{page}");
    assert!(
        page.contains("pas un supergroupe avec les sujets (topics) activés"),
        "{page}"
    );
    assert!(page.contains("activez"), "{page}");

    // The web endpoint stays ready; the body names the problem, and the setup
    // part is not ready.
    let (status, body) = w.call(Method::GET, "/readyz", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["checks"]["setup"], "problems");
    // Without a login it says the kind of problem, never which group or who.
    assert_eq!(body["problems"][0]["check"], json!("space"));
    assert!(!body.to_string().contains("-1001234"), "{body}");
    assert_eq!(
        body["problems"][0]["troubles"][0],
        json!({ "trouble": "space", "problem": { "problem": "no_threads" } })
    );
    let (status, _) = w.call(Method::GET, "/readyz?part=setup", None, None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);

    // Fixed: the banner goes, the setup part is ready.
    doctor::watch::record(
        &w.c.d.store,
        &examination(vec![Finding::passed(check)]),
        now,
    )
    .await
    .unwrap();
    let (_, page) = w.get("/dashboard?lang=fr", &token).await;
    assert!(!page.as_str().unwrap().contains("class=\"setup-banner\""));
    let (status, _) = w.call(Method::GET, "/readyz?part=setup", None, None).await;
    assert_eq!(status, StatusCode::OK);
}

/// An examination that found only `findings`: partial, so that nothing else
/// recorded is forgotten.
fn examination(findings: Vec<Finding>) -> Examination {
    Examination {
        findings,
        complete: false,
    }
}
