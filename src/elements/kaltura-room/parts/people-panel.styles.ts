import { css } from 'lit';

/** The participants list (`.people` also lists the rooms in the breakout control bar). */
export const peopleStyles = css`
  .people {
    list-style: none;
    margin: 0;
    padding: 0.4rem;
    overflow-y: auto;
    flex: 1;
  }
  .person {
    display: flex;
    align-items: center;
    gap: 0.7rem;
    padding: 0.45rem 0.5rem;
    border-radius: calc(var(--kaltura-radius) - 6px);
  }
  .person.away .person-name {
    font-weight: 500;
    color: var(--kaltura-text-muted);
  }
  .person.away .avatar {
    background: var(--kaltura-text-muted);
  }
  .person-main {
    display: grid;
    min-width: 0;
    flex: 1;
  }
  .person-name {
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .person-meta {
    font-size: 0.8125rem;
    color: var(--kaltura-text-muted);
  }
  .person-media {
    display: flex;
    gap: 0.35rem;
    color: var(--kaltura-text-muted);
  }
  .person-media .m-off {
    color: var(--kaltura-danger);
  }
  .person-media .icon {
    width: 1.1rem;
    height: 1.1rem;
  }
  .person-remove { flex: none; color: var(--kaltura-text-muted); }
  .person-remove:hover { color: var(--kaltura-danger); }
`;
