import { KalturaRoom } from './kaltura-room.component.ts';

export { KalturaRoom };
export default KalturaRoom;

if (!customElements.get('kaltura-room')) customElements.define('kaltura-room', KalturaRoom);

declare global {
  interface HTMLElementTagNameMap {
    'kaltura-room': KalturaRoom;
  }
}
