/**
 * Where a room connection stands (see `RoomConnection.status`):
 * - `idle`: not asked to connect (or closed without leaving);
 * - `connecting`: the first connection is being made;
 * - `connected`: welcomed, the mirror is live;
 * - `reconnecting`: the socket dropped after a welcome and is being restored;
 * - `left`: the user left;
 * - `failed`: given up (a fatal refusal or a broken configuration), no automatic retry.
 */
export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'left' | 'failed';
