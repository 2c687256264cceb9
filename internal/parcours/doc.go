// Package parcours holds the domain types shared by every part of Parcours:
// organisations, workers, persons, households, the acting worker and the one
// error type. It must never import SQL drivers, net/http or any other
// internal package: services, storage and HTTP all depend on it, not the
// other way round.
package parcours
