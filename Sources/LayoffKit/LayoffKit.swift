@_exported import StatKit
