// Package multistore holds the tests that run a whole login against every
// store: several engines sharing one database, racing first logins, and the
// login benchmark per store. It has no code of its own.
package multistore
