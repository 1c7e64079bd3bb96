// Package linking decides what a Twitter identity-provider login does with the
// Twitter user once the caller knows who it is: log in through a link that
// already exists, link a user found by email or username, create a user and
// link it, store a pending link, or refuse. It implements FusionAuth's
// identity-provider linking strategies (the provider's linkingStrategy field,
// https://fusionauth.io/docs/lifecycle/authenticate-users/identity-providers/#linking-strategies)
// as they apply to "Complete the Twitter Login"
// (https://fusionauth.io/docs/apis/identity-providers/twitter), and the
// tenant's limitUserLinkCount.
//
// The package is pure so that every branch of the login can be tested with
// plain values: it reads no store, writes nothing and performs no I/O. The
// caller looks up what [Strategy.Lookup] asks for, calls [Decide], and applies
// the [Outcome] in one transaction. Decide never fails; a refusal is an
// Outcome with a [Reason], which authcore maps to its typed errors (and the
// HTTP adapter to 400/404).
//
// # Order of the rules
//
//  1. A link that already exists for the Twitter user id wins, for every
//     strategy, including Disabled and CreatePendingLink, and regardless of
//     noLink: FusionAuth logs in users who are already linked, because the
//     strategy only governs what happens "when no user link has been made yet".
//     The link is Input.Existing or, when that is nil, a link in
//     Candidate.Links for the same Twitter id: the latter can only be seen when
//     another login linked the user between the caller's two reads, and
//     answering "log in" spares that caller a failed insert and a re-read.
//  2. noLink with no link: refuse as not found (FusionAuth's 404), before the
//     strategy is consulted, so that a probe creates and reveals nothing.
//  3. The strategy. Email strategies need an email, username strategies a
//     username; LinkAnonymously and CreatePendingLink need neither and ignore
//     the Candidate. Disabled, and any value that is not one of the seven
//     strategies, refuse as not found: configuration validation rejects unknown
//     values, so reaching Decide with one is a bug that must fail closed rather
//     than fall back to the permissive default.
//  4. When a found user would be linked, the takeover guard, then the link limit.
//     When a new user would be created, the link limit (a new user has no links).
//     CreatePendingLink is not checked here: it creates no link yet, and the
//     limit applies when the pending link is completed (see [CheckLimit]).
//
// # The takeover guard
//
// Linking a provider account to an existing user because an email (or
// username) matches hands that user's account to whoever controls the provider
// account. Auto-linking by email without the provider vouching for the email is
// a well-known account-takeover vector. This package treats the Twitter email
// as vouched only because Twitter's verify_credentials returns the email when
// it is verified and null otherwise, and FusionAuth documents that it refuses
// Twitter logins without an email for that reason. A TwitterReconcile function
// that rewrites the email takes over that responsibility. Username strategies
// have no such backing (a Twitter screen name says nothing about a local
// username); they exist because FusionAuth offers them, for operators who own
// both namespaces.
//
// Decide also refuses to link a found user who is already linked to another
// Twitter account (ExistingUserAlreadyLinked): a login never adds a second
// Twitter account to a user. That is left to the Link API and to completing a
// pending link, where the user has authenticated first. With the guard first,
// the link limit can only refuse a login link when maximumLinks is below 1,
// which validation forbids; Decide checks it anyway because the same
// [CheckLimit] is the rule at every link creation.
//
// Matching emails and usernames (case-insensitively, per tenant) is the
// store's job; Decide compares no strings but Twitter user ids, and expects a
// non-empty Claims.ProviderUserID.
package linking
