// Package twittertest is a fake Twitter for tests, examples and benchmarks of
// code that completes a Twitter login: the two endpoints FusionAuth's
// "Complete the Twitter Login" calls, POST /oauth/access_token and
// GET /1.1/account/verify_credentials.json, on an httptest server. Point the
// engine at it with authcore.WithTwitterClient(client), client made by
// twitter.NewClient(twitter.WithBaseURL(server.URL)).
//
// It checks requests the way Twitter does, with its own reading of RFC 5849
// rather than the client library's: the HMAC-SHA1 signature over the
// signature base string (§3.4.1), keyed with the consumer secret and the
// token secret (§3.4.2); a known consumer key; oauth_version 1.0 when sent;
// oauth_timestamp within five minutes of its clock; a nonce never seen before
// for that consumer and timestamp (§3.3). A request token is good for one
// exchange, with its verifier, taken from the Authorization header or the
// form body. Refusals are 401 with Twitter's error JSON, e.g.
// {"errors":[{"code":32,"message":"Could not authenticate you."}]}.
//
// Tests arrange the world with AddConsumer and AddAccount, stand in for the
// browser leg of the login with IssueRequestToken (or IssueAccessToken for a
// client that did the exchange itself), break it with SetFault or with an
// Account whose AccessToken the exchange answers as given, and count
// calls with Requests. A Server is safe for concurrent use.
package twittertest
